// The KL monitor's measures on the three similarity sets (similarity_sets.h),
// each with a bootstrap percentile interval:
//
//   minus_plus   KL(S- || S+)
//   other_plus   KL(S!= || S+)
//   minus_other  KL(S- || S!=)
//   gap          KL(S!= || S+) - KL(S- || S+)
//
// Each resample draws every set again with replacement (bootstrap.h), the
// three KLs and the gap are estimated on it, and each measure's interval is
// the percentiles of its `resamples` values. The sets are resampled as
// independent samples of their values, so an interval is the uncertainty of
// the estimate from the sets' sizes; the sets share the sample's embeddings
// (S!= holds N^2 pairs of N snippets), so a different held-out sample would
// move the measures by more. With the nearest-neighbour estimator the
// intervals come out 1.2 to 1.8 times as wide as the estimates' own spread
// calls for (a resample's repeated values thin out the neighbourhoods), so
// they hold the truth more often than their level says, as long as the
// estimate is not biased (knn_kl.h: KLs against S+ above about 0.25 nats
// read low). bench/kl_accuracy.cpp measures both.
#pragma once

#include <cstdint>

#include "libs/monitor/bootstrap.h"
#include "libs/monitor/kl_estimator.h"
#include "libs/monitor/similarity_sets.h"

namespace avflow::monitor {

struct BootstrapOptions {
  int64_t resamples = 200;  // 0: no intervals
  double level = 0.95;
  uint64_t seed = 0;
};

// Sets larger than this are thinned to it before estimating, by taking
// evenly spaced positions of the set in its order (the similarity matrix
// row by row, so every snippet keeps its share). S!= holds about N^2 values
// (260 000 at N = 512) and every resample's cost grows with them, while the
// estimates are limited by S+ (N values): with 16 N = 8192 of S!= the
// standard deviation of KL(S- || S!=) is within 5 % of the whole set's
// (Gaussian sets of the default sizes). Deterministic, so successive
// measurements see the same pairs. Means and deviations use the whole sets.
inline constexpr size_t kMaxEstimatedSet = 8192;

struct KlOptions {
  EstimatorOptions estimator;
  BootstrapOptions bootstrap;
  size_t max_set = kMaxEstimatedSet;
};

struct SetSummary {
  int64_t count = 0;
  double mean = 0, stddev = 0;
};

struct Measure {
  double value = 0;
  Interval interval;  // lo = hi = value when resamples = 0
};

struct KlMeasures {
  Measure minus_plus, other_plus, minus_other, gap;
  SetSummary plus, minus, other;
};

// Throws std::invalid_argument when S- or S!= is empty (the held-out sample
// needs two groups with two snippets each at least), for a set the
// estimator refuses (too few values for its neighbours), resamples < 0, a
// level outside (0, 1) or max_set < 2.
KlMeasures kl_measures(const SimilaritySets& sets, const KlOptions& options = {});

}  // namespace avflow::monitor
