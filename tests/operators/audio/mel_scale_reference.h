// Test-side mel scales and filter edges, written from the formulas (not from
// libs/audio/mel_filterbank.cpp), in double.
//   slaney: mel = 3 f / 200 below 1000 Hz; 15 + 27 ln(f / 1000) / ln(6.4) above.
//   htk:    mel = 2595 log10(1 + f / 700).
#pragma once

#include <cmath>
#include <string>
#include <vector>

namespace avflow::test {

inline double ref_hz_to_mel(double f, const std::string& scale) {
  if (scale == "htk") return 2595.0 * std::log10(1.0 + f / 700.0);
  return f < 1000.0 ? 3.0 * f / 200.0 : 15.0 + 27.0 * std::log(f / 1000.0) / std::log(6.4);
}

inline double ref_mel_to_hz(double m, const std::string& scale) {
  if (scale == "htk") return 700.0 * (std::pow(10.0, m / 2595.0) - 1.0);
  return m < 15.0 ? 200.0 * m / 3.0 : 1000.0 * std::pow(6.4, (m - 15.0) / 27.0);
}

// The n_mels + 2 filter edges in Hz, equally spaced in mel; filter m rises
// from edge m, peaks at edge m + 1 (its centre) and ends at edge m + 2.
inline std::vector<double> ref_mel_edges(double f_min, double f_max, int n_mels, const std::string& scale) {
  const double lo = ref_hz_to_mel(f_min, scale), hi = ref_hz_to_mel(f_max, scale);
  std::vector<double> edges;
  for (int i = 0; i < n_mels + 2; ++i) edges.push_back(ref_mel_to_hz(lo + (hi - lo) * i / (n_mels + 1), scale));
  return edges;
}

}  // namespace avflow::test
