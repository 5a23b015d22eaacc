#include "libs/audio/mel_filterbank.h"

#include <algorithm>
#include <cmath>
#include <sstream>
#include <stdexcept>
#include <vector>

namespace avflow::audio {

namespace {
constexpr double kSlaneyHzPerMel = 200.0 / 3.0;
constexpr double kSlaneyBreakHz = 1000.0;
constexpr double kSlaneyBreakMel = kSlaneyBreakHz / kSlaneyHzPerMel;  // 15
const double kSlaneyLogStep = std::log(6.4) / 27.0;

std::string hz(double f) {
  std::ostringstream s;
  s << f << " Hz";
  return s.str();
}
}  // namespace

double hz_to_mel(double hz, MelScale scale) {
  if (scale == MelScale::kHtk) return 2595.0 * std::log10(1.0 + hz / 700.0);
  if (hz < kSlaneyBreakHz) return hz / kSlaneyHzPerMel;
  return kSlaneyBreakMel + std::log(hz / kSlaneyBreakHz) / kSlaneyLogStep;
}

double mel_to_hz(double mel, MelScale scale) {
  if (scale == MelScale::kHtk) return 700.0 * (std::pow(10.0, mel / 2595.0) - 1.0);
  if (mel < kSlaneyBreakMel) return mel * kSlaneyHzPerMel;
  return kSlaneyBreakHz * std::exp((mel - kSlaneyBreakMel) * kSlaneyLogStep);
}

at::Tensor mel_filterbank(int64_t sample_rate, int64_t n_fft, int64_t n_mels, double f_min, double f_max,
                          MelScale scale, MelNorm norm) {
  const double nyquist = static_cast<double>(sample_rate) / 2.0;
  if (f_max > nyquist)
    throw std::invalid_argument("f_max (" + hz(f_max) + ") is above the Nyquist frequency " + hz(nyquist) +
                                " of sample_rate " + std::to_string(sample_rate));
  if (!(f_min < f_max))
    throw std::invalid_argument("f_min (" + hz(f_min) + ") must be below f_max (" + hz(f_max) + ")");

  const int64_t bins = n_fft / 2 + 1;
  const double mel_lo = hz_to_mel(f_min, scale), mel_hi = hz_to_mel(f_max, scale);
  std::vector<double> points(static_cast<size_t>(n_mels + 2));
  for (size_t i = 0; i < points.size(); ++i)
    points[i] = mel_to_hz(mel_lo + (mel_hi - mel_lo) * static_cast<double>(i) / static_cast<double>(n_mels + 1), scale);

  at::Tensor fb = at::zeros({n_mels, bins}, at::kDouble);
  auto w = fb.accessor<double, 2>();
  const double bin_hz = static_cast<double>(sample_rate) / static_cast<double>(n_fft);
  for (int64_t m = 0; m < n_mels; ++m) {
    const double lo = points[m], mid = points[m + 1], hi = points[m + 2];
    const double scale_by = norm == MelNorm::kSlaney ? 2.0 / (hi - lo) : 1.0;
    double peak = 0.0;
    for (int64_t k = 0; k < bins; ++k) {
      const double f = static_cast<double>(k) * bin_hz;
      const double v = std::max(0.0, std::min((f - lo) / (mid - lo), (hi - f) / (hi - mid)));
      w[m][k] = v * scale_by;
      peak = std::max(peak, v);
    }
    if (peak == 0.0) {
      std::ostringstream msg;
      msg << "mel filter " << m << " of " << n_mels << " (" << lo << " to " << hi << " Hz) covers no FFT bin (bins are "
          << bin_hz << " Hz apart); use fewer n_mels or a larger n_fft";
      throw std::invalid_argument(msg.str());
    }
  }
  return fb.to(at::kFloat);
}

}  // namespace avflow::audio
