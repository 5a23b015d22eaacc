// KL divergence between two samples of a scalar (audio-video similarities),
// estimated from histograms: the KL monitor's density estimate.
//
// Both samples are counted in the same `bins` equal-width bins spanning a
// given range (the monitor passes the pooled range of all its sets, so that
// every measure of one measurement uses the same bins). Each bin's count gets
// `smoothing` added (additive / Laplace smoothing), so a bin empty in Q but
// not in P gives a large finite term instead of infinity:
//
//   p_i = (c_i(P) + a) / (|P| + a B),  q_i likewise,  KL(P || Q) = sum_i p_i log(p_i / q_i)
//
// in nats. The estimate is biased upwards by roughly (B - 1) / (2 |P|) for
// identical distributions; more samples or fewer bins lower it.
#pragma once

#include <cstdint>
#include <utility>
#include <vector>

namespace avflow::monitor {

struct HistogramOptions {
  int64_t bins = 64;
  double smoothing = 0.5;  // pseudo-count per bin
};

// The smallest and largest value over all the samples; throws
// std::invalid_argument when all are empty or a value is not finite.
std::pair<double, double> pooled_range(const std::vector<const std::vector<double>*>& samples);

// Normalised, smoothed histogram of `values` over [lo, hi] (values outside
// are clamped into the end bins).
std::vector<double> smoothed_histogram(const std::vector<double>& values, double lo, double hi,
                                       const HistogramOptions& options);

// KL(P || Q) in nats between two smoothed histograms of one binning (no
// empty bins, as smoothed_histogram makes them).
double histogram_kl(const std::vector<double>& p, const std::vector<double>& q);

// KL(P || Q) in nats from two samples over [lo, hi]. Throws
// std::invalid_argument for an empty sample, bins < 1, smoothing <= 0 or
// lo > hi.
double kl_divergence(const std::vector<double>& p, const std::vector<double>& q, double lo, double hi,
                     const HistogramOptions& options = {});

}  // namespace avflow::monitor
