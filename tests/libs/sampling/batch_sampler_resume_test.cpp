#include <catch2/catch.hpp>

#include "tests/support/policy_fixtures.h"

using namespace avflow;
using namespace avflow::sampling;
using namespace avflow::test;

namespace {

BatchSampler make_sampler(const SamplingIndex& index, uint64_t seed) {
  SamplerConfig c;
  c.batch_size = 32;
  c.seed = seed;
  c.epoch_snippets = 32 * 7;  // 7 steps an epoch
  return BatchSampler(plan("title_grouping", index, 4, 16), c, index.total_snippets());
}

bool same(const std::vector<Pick>& a, const std::vector<Pick>& b) {
  if (a.size() != b.size()) return false;
  for (size_t i = 0; i < a.size(); ++i)
    if (a[i].title != b[i].title || a[i].m != b[i].m) return false;
  return true;
}

}  // namespace

TEST_CASE("a restored sampler continues exactly as the uninterrupted one", "[sampling][resume]") {
  const auto index = index_of({50, 60, 70, 80, 90, 100, 110, 120, 130, 140});
  BatchSampler straight = make_sampler(index, 9);
  CHECK(straight.steps_per_epoch() == 7);
  std::vector<std::vector<Pick>> batches(25);
  SamplerPosition saved;
  for (int s = 0; s < 25; ++s) {
    if (s == 11) saved = straight.position();
    straight.next(batches[s]);
  }
  CHECK(saved == SamplerPosition{1, 4});
  CHECK(straight.position() == SamplerPosition{3, 4});

  // Saved as text (what a checkpoint stores), restored in a fresh sampler.
  BatchSampler resumed = make_sampler(index, 9);
  resumed.seek(SamplerPosition::parse(saved.str()));
  for (int s = 11; s < 25; ++s) {
    std::vector<Pick> b;
    resumed.next(b);
    REQUIRE(same(b, batches[s]));
  }
}

TEST_CASE("batches differ from step to step, epoch to epoch and seed to seed", "[sampling][resume]") {
  const auto index = index_of({50, 60, 70, 80, 90, 100, 110, 120, 130, 140});
  BatchSampler a = make_sampler(index, 1), b = make_sampler(index, 2);
  std::vector<Pick> a0, a1, b0, a7;
  a.global_batch({0, 0}, a0);
  a.global_batch({0, 1}, a1);
  a.global_batch({1, 0}, a7);
  b.global_batch({0, 0}, b0);
  CHECK_FALSE(same(a0, a1));
  CHECK_FALSE(same(a0, a7));
  CHECK_FALSE(same(a0, b0));
  std::vector<Pick> again;
  a.global_batch({0, 0}, again);
  CHECK(same(a0, again));
}

TEST_CASE("sampler positions read back from their text", "[sampling][resume]") {
  CHECK(SamplerPosition::parse("epoch 3 step 17") == SamplerPosition{3, 17});
  CHECK_THROWS_WITH(SamplerPosition::parse("step 3"), Catch::Contains("not a sampler position"));
  const auto index = index_of({50, 60, 70, 80, 90, 100, 110, 120});
  BatchSampler s = make_sampler(index, 1);
  CHECK_THROWS_WITH(s.seek({0, 7}), "cannot resume at epoch 0 step 7: an epoch has 7 steps");
}
