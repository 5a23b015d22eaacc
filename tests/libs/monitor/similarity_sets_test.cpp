// S+, S- and S!= from hand-built embeddings with known groups, and the
// measures over them.
#include <ATen/ATen.h>

#include <catch2/catch.hpp>
#include <algorithm>

#include "libs/monitor/kl_measures.h"
#include "libs/monitor/similarity_sets.h"

using namespace avflow::monitor;

TEST_CASE("similarity sets split ordered pairs into same snippet, same group and other group", "[monitor][sets]") {
  // Three snippets of title 7, two of title 9, in 2-D.
  const at::Tensor z_v = at::tensor({1.0, 0.0, 0.0, 1.0, 1.0, 1.0, 2.0, 0.0, 0.0, 2.0}).view({5, 2});
  const at::Tensor z_a = at::tensor({1.0, 0.0, 0.0, 1.0, 0.5, 0.5, 1.0, 1.0, 0.0, -1.0}).view({5, 2});
  const SimilaritySets s = similarity_sets(z_v, z_a, {7, 7, 7, 9, 9});
  CHECK(s.positive == std::vector<double>{1.0, 1.0, 1.0, 2.0, -2.0});  // z_v^i . z_a^i
  REQUIRE(s.same_group.size() == 3 * 2 + 2 * 1);
  REQUIRE(s.other_group.size() == 2 * 3 * 2);
  // Row 0 (title 7) against 1 and 2 (same title), then 3 and 4 (other).
  CHECK(s.same_group[0] == 0.0);   // (1, 0) . (0, 1)
  CHECK(s.same_group[1] == 0.5);   // (1, 0) . (0.5, 0.5)
  CHECK(s.other_group[0] == 1.0);  // (1, 0) . (1, 1)
  CHECK(s.other_group[1] == 0.0);  // (1, 0) . (0, -1)
  // Row 3 (title 9): z_a^4 is its only same-title partner.
  CHECK(std::count(s.same_group.begin(), s.same_group.end(), -2.0) == 0);
  CHECK(s.same_group[6] == 0.0);  // (2, 0) . (0, -1)

  CHECK_THROWS_WITH(similarity_sets(z_v, z_a, {7, 7, 9}), "similarity sets: 3 groups for 5 embeddings");
  CHECK_THROWS_AS(similarity_sets(z_v, z_a.narrow(0, 0, 4), {7, 7, 7, 9}), std::invalid_argument);
}

TEST_CASE("KL measures: the gap is KL(S!= || S+) - KL(S- || S+), sets are summarised", "[monitor][sets]") {
  // Many titles of a few snippets; audio = video + noise, so S+ is high,
  // S- (same title, correlated by a title offset) in between, S!= low.
  at::manual_seed(0);
  const int64_t titles = 40, per_title = 5, d = 16;
  const at::Tensor title_part = at::randn({titles, 1, d}).expand({titles, per_title, d}).reshape({titles * per_title, d});
  const at::Tensor z_v = title_part + at::randn({titles * per_title, d});
  const at::Tensor z_a = z_v + 0.5 * at::randn({titles * per_title, d});
  std::vector<int64_t> ids;
  for (int64_t t = 0; t < titles; ++t)
    for (int64_t k = 0; k < per_title; ++k) ids.push_back(t);
  KlOptions options;
  options.bootstrap.resamples = 20;
  const KlMeasures m = kl_measures(similarity_sets(z_v, z_a, ids), options);
  CHECK(m.plus.count == titles * per_title);
  CHECK(m.minus.count == titles * per_title * (per_title - 1));
  CHECK(m.other.count == titles * per_title * (titles - 1) * per_title);
  CHECK(m.plus.mean > m.minus.mean);
  CHECK(m.minus.mean > m.other.mean);
  CHECK(m.gap.value == Approx(m.other_plus.value - m.minus_plus.value));
  CHECK(m.other_plus.value > m.minus_plus.value);  // other titles are further from S+ than the same title's snippets
  CHECK(m.minus_other.value > 0.1);
  CHECK(m.gap.interval.lo < m.gap.value);
  CHECK(m.gap.value < m.gap.interval.hi);

  SimilaritySets one_title = similarity_sets(z_v.narrow(0, 0, 5), z_a.narrow(0, 0, 5), {0, 0, 0, 0, 0});
  CHECK_THROWS_WITH(kl_measures(one_title), "kl measures: S!= is empty (the sample has one group)");
}
