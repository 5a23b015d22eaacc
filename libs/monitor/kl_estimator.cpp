#include "libs/monitor/kl_estimator.h"

#include <stdexcept>
#include <string>

namespace avflow::monitor {

PairEstimator::PairEstimator(const SortedSample& p, const SortedSample& q, const EstimatorOptions& options)
    : p_(p), q_(q), options_(options) {
  if (options.estimator == Estimator::kHistogram) {
    binning_ = pair_binning(p, q, options.histogram);
    if (!(options.histogram.smoothing > 0))
      throw std::invalid_argument("histogram kl: smoothing must be > 0, got " +
                                  std::to_string(options.histogram.smoothing));
  }
}

double PairEstimator::operator()(Counts p_counts, Counts q_counts) const {
  if (options_.estimator == Estimator::kHistogram)
    return histogram_kl(p_, p_counts, q_, q_counts, binning_, options_.histogram.smoothing);
  return knn_kl(p_, p_counts, q_, q_counts, options_.neighbours);
}

}  // namespace avflow::monitor
