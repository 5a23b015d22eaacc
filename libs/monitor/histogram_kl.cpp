#include "libs/monitor/histogram_kl.h"

#include <algorithm>
#include <cmath>
#include <stdexcept>
#include <string>
#include <vector>

namespace avflow::monitor {
namespace {

// Smoothed bin probabilities of one sample.
std::vector<double> smoothed(const SortedSample& s, Counts counts, const Binning& b, double smoothing) {
  if (!counts.empty() && counts.size() != s.size())
    throw std::invalid_argument("histogram kl: " + std::to_string(counts.size()) + " counts for " +
                                std::to_string(s.size()) + " values");
  std::vector<double> h(static_cast<size_t>(b.bins), smoothing);
  const double last = static_cast<double>(b.bins - 1);
  double n = 0;
  for (size_t i = 0; i < s.size(); ++i) {
    const double c = counts.empty() ? 1.0 : counts[i];
    if (c == 0) continue;
    const double at = std::floor((s.values[i] - b.lo) / b.width);
    h[static_cast<size_t>(std::clamp(at, 0.0, last))] += c;
    n += c;
  }
  const double sum = n + smoothing * static_cast<double>(b.bins);
  for (double& x : h) x /= sum;
  return h;
}

}  // namespace

Binning pair_binning(const SortedSample& p, const SortedSample& q, const HistogramOptions& options) {
  if (p.size() == 0 || q.size() == 0) throw std::invalid_argument("histogram kl: a sample is empty");
  if (options.bins < 0) throw std::invalid_argument("histogram kl: bins must be >= 0, got " + std::to_string(options.bins));
  Binning b;
  b.lo = std::min(p.values.front(), q.values.front());
  const double range = std::max(p.values.back(), q.values.back()) - b.lo;
  if (!(range > 0)) return b;  // every value equal: one bin
  int64_t bins = options.bins;
  if (bins == 0) {
    const SortedSample& smaller = p.size() <= q.size() ? p : q;
    const double iqr = smaller.quantile(0.75) - smaller.quantile(0.25);
    const double width = 2 * iqr / std::cbrt(static_cast<double>(smaller.size()));
    bins = width > 0 ? static_cast<int64_t>(std::min(std::ceil(range / width), double(kMaxHistogramBins))) : 1;
  }
  b.bins = std::clamp<int64_t>(bins, 1, kMaxHistogramBins);
  b.width = range / static_cast<double>(b.bins);
  return b;
}

double histogram_kl(const SortedSample& p, Counts p_counts, const SortedSample& q, Counts q_counts,
                    const Binning& binning, double smoothing) {
  if (p.size() == 0 || q.size() == 0) throw std::invalid_argument("histogram kl: a sample is empty");
  if (!(smoothing > 0))
    throw std::invalid_argument("histogram kl: smoothing must be > 0, got " + std::to_string(smoothing));
  const std::vector<double> hp = smoothed(p, p_counts, binning, smoothing);
  const std::vector<double> hq = smoothed(q, q_counts, binning, smoothing);
  double kl = 0;
  for (size_t i = 0; i < hp.size(); ++i) kl += hp[i] * std::log(hp[i] / hq[i]);
  return std::max(0.0, kl);  // rounding can leave -1e-17 for identical histograms
}

}  // namespace avflow::monitor
