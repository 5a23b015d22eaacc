// The nearest-neighbour KL estimator on its own: closed forms of Gaussian
// pairs at large samples, equal distributions, resample counts, ties and
// zero distances, and what it refuses.
#include <catch2/catch.hpp>
#include <cmath>

#include "libs/monitor/knn_kl.h"
#include "tests/libs/monitor/gaussian_samples.h"

using namespace avflow::monitor;

namespace {

SortedSample gaussian(double mean, double stddev, size_t n, uint64_t seed) {
  return SortedSample::of(avflow::test::gaussian_values(mean, stddev, n, seed));
}

}  // namespace

TEST_CASE("nearest-neighbour KL matches the closed form for Gaussian pairs at 20000 samples", "[monitor][kl]") {
  // 5 neighbours, 20000 samples each: within 0.03 nats of the truth or 4 %
  // of it.
  for (const auto& c : avflow::test::kGaussianPairs) {
    const double got = knn_kl(gaussian(c.m1, c.s1, 20000, 1), gaussian(c.m2, c.s2, 20000, 2), 5);
    INFO(c.name() << ": truth " << c.kl() << ", got " << got);
    CHECK(std::abs(got - c.kl()) <= std::max(0.03, 0.04 * c.kl()));
  }
}

TEST_CASE("nearest-neighbour KL of unequal sample sizes is unbiased for one distribution", "[monitor][kl]") {
  // 512 against 8192 values, both ways (S+ against S!=): the larger
  // sample's neighbours grow with it, so the two neighbourhoods hold the
  // same probability. Mean of 40 pairs of samples, within 0.01 nats of 0.
  double small_large = 0, large_small = 0;
  for (uint64_t t = 0; t < 40; ++t) {
    const SortedSample a = gaussian(0.3, 0.2, 512, 100 + t), b = gaussian(0.3, 0.2, 8192, 200 + t);
    small_large += knn_kl(a, b, 5) / 40;
    large_small += knn_kl(b, a, 5) / 40;
  }
  CHECK(std::abs(small_large) < 0.01);
  CHECK(std::abs(large_small) < 0.01);
}

TEST_CASE("nearest-neighbour KL reads counts as copies of values, never their own neighbours", "[monitor][kl]") {
  const SortedSample p = gaussian(0, 1, 400, 3), q = gaussian(0.5, 1, 300, 4);
  const std::vector<uint32_t> ones_p(p.size(), 1), ones_q(q.size(), 1);
  CHECK(knn_kl(p, ones_p, q, ones_q, 4) == knn_kl(p, q, 4));

  // A count of 0 is the value left out.
  std::vector<uint32_t> some(p.size(), 1);
  std::vector<double> kept;
  for (size_t i = 0; i < p.size(); ++i)
    if (i % 3 == 0) some[i] = 0;
    else kept.push_back(p.values[i]);
  CHECK(knn_kl(p, some, q, {}, 4) == Approx(knn_kl(SortedSample::of(kept), q, 4)).epsilon(1e-12));

  // Every value twice, as a resample may draw it: a value's copies are not
  // its neighbours, so the distances stay those of the sample (no zero
  // distance, no infinity): the 4th nearest copy is the 2nd nearest value,
  // and the estimate moves by that sampling noise only.
  const SortedSample big_p = gaussian(0, 1, 2000, 8), big_q = gaussian(0.5, 1, 2000, 9);
  const std::vector<uint32_t> twice(2000, 2);
  const double doubled = knn_kl(big_p, twice, big_q, twice, 4);
  CHECK(std::isfinite(doubled));
  CHECK(doubled == Approx(knn_kl(big_p, big_q, 4)).margin(0.06));
}

TEST_CASE("nearest-neighbour KL stays finite with ties and zero distances", "[monitor][kl]") {
  // Values on a grid of 0.01: many ties, whose ranks grow to the first value
  // at a positive distance.
  auto rounded = [](const SortedSample& s) {
    std::vector<double> v = s.values;
    for (double& x : v) x = std::round(x * 100) / 100;
    return SortedSample::of(std::move(v));
  };
  const double truth = avflow::test::gaussian_kl(0, 1, 1, 1);
  const double got = knn_kl(rounded(gaussian(0, 1, 20000, 5)), rounded(gaussian(1, 1, 20000, 6)), 5);
  INFO("truth " << truth << ", got " << got);
  CHECK(std::abs(got - truth) < 0.05);

  // Every value equal: no positive distance anywhere; a floor keeps the
  // result finite.
  const SortedSample flat = SortedSample::of(std::vector<double>(50, 0.5));
  CHECK(std::isfinite(knn_kl(flat, flat, 3)));
  CHECK(std::abs(knn_kl(flat, flat, 3)) < 0.05);
  const double apart = knn_kl(flat, gaussian(0, 0.1, 50, 7), 3);
  CHECK(std::isfinite(apart));
  CHECK(apart > 5);
}

TEST_CASE("nearest-neighbour KL refuses too few values, bad counts and non-finite values", "[monitor][kl]") {
  const SortedSample three = SortedSample::of({0.1, 0.2, 0.3}), two = SortedSample::of({0.1, 0.4});
  CHECK_THROWS_WITH(knn_kl(three, three, 0), "knn kl: neighbours must be >= 1, got 0");
  CHECK_THROWS_WITH(knn_kl(three, two, 3), Catch::Contains("P needs neighbours + 1, Q neighbours"));
  CHECK_NOTHROW(knn_kl(three, two, 2));
  const std::vector<uint32_t> wrong(2, 1);
  CHECK_THROWS_WITH(knn_kl(three, wrong, two, {}, 1), "knn kl: 2 counts for 3 values of P");
  CHECK_THROWS_WITH(SortedSample::of({0.1, std::nan("")}), Catch::StartsWith("kl: a similarity is not finite"));
}
