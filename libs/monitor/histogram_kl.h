// KL divergence between two samples of a scalar from histograms, the KL
// monitor's alternative estimator (`estimator = "histogram"`).
//
// Both samples of a pair are counted in the same equal-width bins over the
// pair's pooled range. By default the width follows the Freedman-Diaconis
// rule on the smaller sample (2 IQR / size^(1/3): the resolution its values
// support; for the monitor that is S+); `bins` > 0 fixes the count instead.
// Each bin's count gets `smoothing` added (additive smoothing), so a bin empty
// in Q but not in P gives a large finite term instead of infinity:
//
//   p_i = (c_i(P) + a) / (|P| + a B),  q_i likewise,  KL(P || Q) = sum_i p_i log(p_i / q_i)
//
// in nats. Binning lowers a KL (it merges what differs inside a bin) and the
// sampling noise of the counts raises it by about (B - 1) / (2 |P|) plus a
// term in 1 / |Q| that grows where Q is sparse: biased either way by amounts
// that depend on the distributions; the nearest-neighbour estimator
// (knn_kl.h) is the monitor's default for that reason.
#pragma once

#include <cstdint>

#include "libs/monitor/sorted_sample.h"

namespace avflow::monitor {

struct HistogramOptions {
  int64_t bins = 0;        // 0: the Freedman-Diaconis width
  double smoothing = 0.5;  // pseudo-count per bin
};

// Equal-width bins: [lo + i width, lo + (i + 1) width), i < bins; values
// outside are clamped into the end bins.
struct Binning {
  double lo = 0, width = 1;
  int64_t bins = 1;
};

// At most this many bins, however narrow the Freedman-Diaconis width.
inline constexpr int64_t kMaxHistogramBins = 4096;

// The bins of the pair (p, q) by `options`. A zero-width range (every value
// equal) is one bin. Throws std::invalid_argument for an empty sample or
// bins < 0.
Binning pair_binning(const SortedSample& p, const SortedSample& q, const HistogramOptions& options);

// KL(P || Q) in nats over `binning`, each value counted by its multiplicity
// (Counts, sorted_sample.h). Throws std::invalid_argument for an empty sample,
// smoothing <= 0 or counts that are not one per value.
double histogram_kl(const SortedSample& p, Counts p_counts, const SortedSample& q, Counts q_counts,
                    const Binning& binning, double smoothing);

}  // namespace avflow::monitor
