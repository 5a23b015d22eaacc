// The KL monitor's estimator of KL(P || Q) between two samples of a scalar,
// chosen by name (kl_monitor's `estimator`), and evaluated once on the
// samples and again on each bootstrap resample of them.
#pragma once

#include <cstdint>

#include "libs/monitor/histogram_kl.h"
#include "libs/monitor/knn_kl.h"

namespace avflow::monitor {

enum class Estimator {
  kKnn,        // nearest-neighbour distances (knn_kl.h)
  kHistogram,  // shared bins with additive smoothing (histogram_kl.h)
};

struct EstimatorOptions {
  Estimator estimator = Estimator::kKnn;
  int64_t neighbours = 5;       // knn: k
  HistogramOptions histogram;   // histogram: bins (0: Freedman-Diaconis) and smoothing
};

// KL(P || Q) for one pair of samples, by counts of their values (empty: the
// samples themselves; a bootstrap resample's counts otherwise). What depends
// on the samples alone (a histogram's bins) is fixed once, from the samples.
class PairEstimator {
 public:
  // Throws std::invalid_argument for options or samples the estimator
  // refuses (knn_kl.h, histogram_kl.h).
  PairEstimator(const SortedSample& p, const SortedSample& q, const EstimatorOptions& options);

  double operator()(Counts p_counts = {}, Counts q_counts = {}) const;

 private:
  const SortedSample& p_;
  const SortedSample& q_;
  EstimatorOptions options_;
  Binning binning_;
};

}  // namespace avflow::monitor
