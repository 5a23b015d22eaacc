#include "libs/monitor/kl_divergence.h"

#include <algorithm>
#include <cmath>
#include <stdexcept>
#include <string>

namespace avflow::monitor {

std::pair<double, double> pooled_range(const std::vector<const std::vector<double>*>& samples) {
  double lo = INFINITY, hi = -INFINITY;
  for (const auto* sample : samples)
    for (double v : *sample) {
      if (!std::isfinite(v)) throw std::invalid_argument("kl: a similarity is not finite (" + std::to_string(v) + ")");
      lo = std::min(lo, v);
      hi = std::max(hi, v);
    }
  if (lo > hi) throw std::invalid_argument("kl: every sample is empty");
  return {lo, hi};
}

std::vector<double> smoothed_histogram(const std::vector<double>& values, double lo, double hi,
                                       const HistogramOptions& options) {
  if (options.bins < 1) throw std::invalid_argument("kl: bins must be >= 1, got " + std::to_string(options.bins));
  if (!(options.smoothing > 0))
    throw std::invalid_argument("kl: smoothing must be > 0, got " + std::to_string(options.smoothing));
  if (!(lo <= hi)) throw std::invalid_argument("kl: the range must have lo <= hi");
  if (values.empty()) throw std::invalid_argument("kl: a sample is empty");
  const auto bins = static_cast<size_t>(options.bins);
  std::vector<double> h(bins, options.smoothing);
  // A zero-width range (all values equal) puts everything in the first bin.
  const double scale = hi > lo ? static_cast<double>(bins) / (hi - lo) : 0.0;
  for (double v : values) {
    const double at = std::floor((v - lo) * scale);
    h[static_cast<size_t>(std::clamp(at, 0.0, static_cast<double>(bins - 1)))] += 1.0;
  }
  const double total = static_cast<double>(values.size()) + options.smoothing * static_cast<double>(bins);
  for (double& x : h) x /= total;
  return h;
}

double histogram_kl(const std::vector<double>& p, const std::vector<double>& q) {
  if (p.size() != q.size())
    throw std::invalid_argument("kl: histograms of " + std::to_string(p.size()) + " and " + std::to_string(q.size()) +
                                " bins");
  double kl = 0;
  for (size_t i = 0; i < p.size(); ++i) kl += p[i] * std::log(p[i] / q[i]);
  return std::max(0.0, kl);  // rounding can leave -1e-17 for identical histograms
}

double kl_divergence(const std::vector<double>& p, const std::vector<double>& q, double lo, double hi,
                     const HistogramOptions& options) {
  return histogram_kl(smoothed_histogram(p, lo, hi, options), smoothed_histogram(q, lo, hi, options));
}

}  // namespace avflow::monitor
