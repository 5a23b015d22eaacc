#include "libs/audio/tape_speed.h"

#include <ATen/ATen.h>

#include <algorithm>
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
  // Filter and keep every s-th sample: only the kept outputs are computed,
  // each a dot product of the filter with the input around it, the clip's
  // edges padded with zeros. (A strided at::conv1d does the same work but
  // unfolds the whole input per tap first, which made it ten times slower.)
  const at::Tensor x = span.to(at::kFloat).reshape({-1, need}).contiguous();
  const at::Tensor h = speed_up_filter(s).to(at::kFloat).contiguous();
  const int64_t taps = h.size(0), half = (taps - 1) / 2, channels = x.size(0);
  at::Tensor y = at::empty({channels, out_samples}, at::kFloat);
  const float* hp = h.data_ptr<float>();
  for (int64_t c = 0; c < channels; ++c) {
    const float* xp = x.data_ptr<float>() + c * need;
    float* yp = y.data_ptr<float>() + c * out_samples;
    for (int64_t j = 0; j < out_samples; ++j) {
      const int64_t first = j * s - half;  // the input under the filter's tap 0
      const int64_t k0 = std::max<int64_t>(0, -first), k1 = std::min<int64_t>(taps, need - first);
      float acc = 0.0f;
      for (int64_t k = k0; k < k1; ++k) acc += hp[k] * xp[first + k];
      yp[j] = acc;
    }
  }
  return pcm.dim() == 1 ? y.reshape({out_samples}) : y;
}

}  // namespace avflow::audio
