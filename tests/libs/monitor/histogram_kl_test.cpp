// The histogram KL estimator: Freedman-Diaconis bins on the smaller sample,
// additive smoothing, against the closed-form KL of Gaussian pairs.
#include <catch2/catch.hpp>
#include <cmath>

#include "libs/monitor/histogram_kl.h"
#include "tests/libs/monitor/gaussian_samples.h"

using namespace avflow::monitor;

namespace {

SortedSample gaussian(double mean, double stddev, size_t n, uint64_t seed) {
  return SortedSample::of(avflow::test::gaussian_values(mean, stddev, n, seed));
}

double estimate(const SortedSample& p, const SortedSample& q, const HistogramOptions& o = {}) {
  return histogram_kl(p, {}, q, {}, pair_binning(p, q, o), o.smoothing);
}

}  // namespace

TEST_CASE("histogram KL matches the closed form for Gaussian pairs at 20000 samples", "[monitor][kl]") {
  // Freedman-Diaconis bins, smoothing 0.5, 20000 samples each: within 0.025
  // nats of the truth, or 5 % of it.
  for (const auto& c : avflow::test::kGaussianPairs) {
    const double got = estimate(gaussian(c.m1, c.s1, 20000, 1), gaussian(c.m2, c.s2, 20000, 2));
    INFO(c.name() << ": truth " << c.kl() << ", got " << got);
    CHECK(std::abs(got - c.kl()) <= std::max(0.025, 0.05 * c.kl()));
  }
}

TEST_CASE("histogram bins follow Freedman-Diaconis on the smaller sample unless fixed", "[monitor][kl]") {
  // 1000 evenly spread values in [0, 1): IQR 0.4995, width 2 x 0.4995 /
  // 1000^(1/3) = 0.0999, over the pooled range [0, 1.9]: 20 bins.
  std::vector<double> even(1000), wide(5000);
  for (size_t i = 0; i < even.size(); ++i) even[i] = static_cast<double>(i) / 1000;
  for (size_t i = 0; i < wide.size(); ++i) wide[i] = 1.9 * static_cast<double>(i) / 4999;
  const SortedSample small = SortedSample::of(even), large = SortedSample::of(wide);
  const Binning fd = pair_binning(large, small, {});
  CHECK(fd.bins == 20);
  CHECK(fd.lo == 0.0);
  CHECK(fd.width == Approx(1.9 / 20));
  CHECK(pair_binning(small, large, {.bins = 7}).bins == 7);
  const SortedSample same = SortedSample::of({0.5, 0.5});
  CHECK(pair_binning(same, same, {}).bins == 1);  // no range: one bin
}

TEST_CASE("histogram KL of two samples of one distribution is about zero", "[monitor][kl]") {
  const double same = estimate(gaussian(0.3, 2.0, 20000, 3), gaussian(0.3, 2.0, 20000, 4));
  CHECK(same >= 0);
  CHECK(same < 0.01);  // the bias is about (bins - 1) / (2 n) = 0.002
  const SortedSample x = gaussian(0, 1, 1000, 5);
  CHECK(estimate(x, x) == Approx(0).margin(1e-12));
}

TEST_CASE("histogram KL grows with the distance between the distributions and is not symmetric", "[monitor][kl]") {
  const SortedSample p = gaussian(0, 1, 20000, 6);
  const double near = estimate(p, gaussian(0.5, 1, 20000, 7)), far = estimate(p, gaussian(1.5, 1, 20000, 8));
  CHECK(near < far);
  const SortedSample wide = gaussian(0, 3, 20000, 9);
  CHECK(estimate(p, wide) < estimate(wide, p));  // KL(N(0,1)||N(0,9)) = 0.65 < KL(N(0,9)||N(0,1)) = 2.9
}

TEST_CASE("histogram KL counts resampled values by their counts", "[monitor][kl]") {
  const SortedSample p = SortedSample::of({0.1, 0.2, 0.8}), q = SortedSample::of({0.1, 0.7, 0.9});
  const Binning b{.lo = 0, .width = 0.5, .bins = 2};
  const std::vector<uint32_t> counts{0, 2, 1};
  // Counts {0, 2, 1} over P: two in the first bin, one in the second,
  // against Q's one and two; smoothing 1: (3/5, 2/5) against (2/5, 3/5).
  const double expected = 0.6 * std::log(0.6 / 0.4) + 0.4 * std::log(0.4 / 0.6);
  CHECK(histogram_kl(p, counts, q, {}, b, 1.0) == Approx(expected));
}

TEST_CASE("histogram KL refuses empty samples and bad options", "[monitor][kl]") {
  const SortedSample some = SortedSample::of({0.1, 0.2}), none;
  CHECK_THROWS_WITH(pair_binning(none, some, {}), "histogram kl: a sample is empty");
  CHECK_THROWS_WITH(pair_binning(some, some, {.bins = -1}), "histogram kl: bins must be >= 0, got -1");
  const Binning b = pair_binning(some, some, {});
  CHECK_THROWS_WITH(histogram_kl(some, {}, some, {}, b, 0), Catch::StartsWith("histogram kl: smoothing must be > 0"));
  const std::vector<uint32_t> wrong(3, 1);
  CHECK_THROWS_WITH(histogram_kl(some, wrong, some, {}, b, 0.5), "histogram kl: 3 counts for 2 values");
}
