#include "libs/audio/tape_speed.h"

#include <ATen/ATen.h>

#include <cmath>
#include <stdexcept>
#include <string>

namespace avflow::audio {

at::Tensor speed_up_filter(int64_t s) {
  if (s < 1) throw std::invalid_argument("speed factor must be at least 1, got " + std::to_string(s));
  const int64_t half = 16 * s, taps = 2 * half + 1;
  // 0.9 of the output's Nyquist frequency leaves the window's transition
  // band room below it, so the alias of what passes is attenuated too.
  const double cutoff = 0.45 / static_cast<double>(s);  // cycles per input sample
  at::Tensor h = at::empty({taps}, at::kDouble);
  double* p = h.data_ptr<double>();
  for (int64_t n = 0; n < taps; ++n) {
    const double t = static_cast<double>(n - half);
    const double sinc = t == 0 ? 2 * cutoff : std::sin(2 * M_PI * cutoff * t) / (M_PI * t);
    const double hann = 0.5 - 0.5 * std::cos(2 * M_PI * static_cast<double>(n) / static_cast<double>(taps - 1));
    p[n] = sinc * hann;
  }
  return h / h.sum();
}

at::Tensor tape_speed_up(const at::Tensor& pcm, int64_t s, int64_t out_samples) {
  if (s < 1) throw std::invalid_argument("speed factor must be at least 1, got " + std::to_string(s));
  if (pcm.dim() < 1 || pcm.dim() > 2)
    throw std::invalid_argument("tape_speed_up takes [samples] or [channels, samples], got " + std::to_string(pcm.dim()) +
                                " dimensions");
  const int64_t need = s * out_samples;
  if (pcm.size(-1) < need)
    throw std::invalid_argument("speed " + std::to_string(s) + " of " + std::to_string(out_samples) + " samples needs " +
                                std::to_string(need) + " samples of PCM, got " + std::to_string(pcm.size(-1)));
  const at::Tensor span = pcm.narrow(-1, 0, need);
  if (s == 1) return span.contiguous();
  // Filter and keep every s-th sample in one strided convolution, the
  // clip's edges padded with zeros (half the filter's length).
  const at::Tensor x = span.to(at::kFloat).reshape({-1, 1, need});
  const at::Tensor h = speed_up_filter(s).to(at::kFloat).view({1, 1, -1});
  const int64_t half = (h.size(-1) - 1) / 2;
  at::Tensor y = at::conv1d(x, h, {}, /*stride=*/s, /*padding=*/half).narrow(-1, 0, out_samples);
  return pcm.dim() == 1 ? y.reshape({out_samples}).contiguous() : y.reshape({pcm.size(0), out_samples}).contiguous();
}

}  // namespace avflow::audio
