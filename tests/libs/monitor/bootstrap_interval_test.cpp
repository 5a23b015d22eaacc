// Bootstrap resamples and percentile intervals, and the intervals the KL
// measures carry: reproducible for a seed, absent with no resamples.
#include <catch2/catch.hpp>
#include <algorithm>
#include <numeric>
#include <random>

#include "libs/monitor/bootstrap.h"
#include "libs/monitor/kl_measures.h"
#include "tests/libs/monitor/gaussian_samples.h"

using namespace avflow::monitor;
using avflow::test::gaussian_values;

namespace {

SimilaritySets gaussian_sets(uint64_t seed) {
  return {gaussian_values(0.5, 0.2, 128, seed), gaussian_values(0.4, 0.2, 384, seed + 1),
          gaussian_values(0.3, 0.2, 2000, seed + 2)};
}

}  // namespace

TEST_CASE("a resample draws n values with replacement, the same for the same key", "[monitor][bootstrap]") {
  const auto a = resample_counts(1000, 7, 3, "S+");
  CHECK(a.size() == 1000);
  CHECK(std::accumulate(a.begin(), a.end(), 0u) == 1000u);
  const auto left_out = std::count(a.begin(), a.end(), 0u);  // about 1000 / e = 368
  CHECK(left_out > 320);
  CHECK(left_out < 420);
  CHECK(resample_counts(1000, 7, 3, "S+") == a);
  CHECK(resample_counts(1000, 7, 4, "S+") != a);
  CHECK(resample_counts(1000, 8, 3, "S+") != a);
  CHECK(resample_counts(1000, 7, 3, "S-") != a);
  CHECK(resample_counts(0, 7, 3, "S+").empty());
}

TEST_CASE("a percentile interval takes the quantiles either side of the level", "[monitor][bootstrap]") {
  std::vector<double> values(101);
  std::iota(values.begin(), values.end(), 0.0);
  std::shuffle(values.begin(), values.end(), std::mt19937_64(1));
  const Interval i = percentile_interval(values, 0.95);
  CHECK(i.lo == Approx(2.5));
  CHECK(i.hi == Approx(97.5));
  const Interval j = percentile_interval({4.0}, 0.9);
  CHECK(j.lo == 4.0);
  CHECK(j.hi == 4.0);
  CHECK_THROWS_WITH(percentile_interval({}, 0.95), "bootstrap: no resample statistics");
  CHECK_THROWS_WITH(percentile_interval({1.0}, 1.0), Catch::StartsWith("bootstrap: the interval level must be in (0, 1)"));
}

TEST_CASE("KL measures carry intervals around them, the same for a seed", "[monitor][bootstrap]") {
  const SimilaritySets sets = gaussian_sets(10);
  KlOptions options;
  options.bootstrap.resamples = 100;
  const KlMeasures a = kl_measures(sets, options), b = kl_measures(sets, options);
  for (const auto& [x, y] : {std::pair{a.minus_plus, b.minus_plus}, std::pair{a.other_plus, b.other_plus},
                             std::pair{a.minus_other, b.minus_other}, std::pair{a.gap, b.gap}}) {
    CHECK(x.interval.lo < x.value);
    CHECK(x.value < x.interval.hi);
    CHECK(x.interval.lo == y.interval.lo);  // whatever the threads did
    CHECK(x.interval.hi == y.interval.hi);
  }
  options.bootstrap.seed = 1;
  const KlMeasures c = kl_measures(sets, options);
  CHECK(c.minus_plus.value == a.minus_plus.value);
  CHECK(c.minus_plus.interval.lo != a.minus_plus.interval.lo);
}

TEST_CASE("KL measures without resamples have no width, and refuse a bad level", "[monitor][bootstrap]") {
  const SimilaritySets sets = gaussian_sets(20);
  KlOptions options;
  options.bootstrap.resamples = 0;
  const KlMeasures m = kl_measures(sets, options);
  CHECK(m.gap.interval.lo == m.gap.value);
  CHECK(m.gap.interval.hi == m.gap.value);
  options.bootstrap = {.resamples = 10, .level = 1.5};
  CHECK_THROWS_WITH(kl_measures(sets, options), Catch::StartsWith("kl measures: the interval level must be in (0, 1)"));
  options.bootstrap = {.resamples = -1};
  CHECK_THROWS_WITH(kl_measures(sets, options), "kl measures: resamples must be >= 0, got -1");
}
