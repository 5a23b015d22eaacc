#include <catch2/catch.hpp>

#include "tests/support/policy_fixtures.h"

using namespace avflow;
using namespace avflow::sampling;
using namespace avflow::test;

namespace {

void make(const SamplingIndex& index, const std::string& policy_name, int64_t k, int64_t batch, int64_t world = 1) {
  SamplerConfig c;
  c.batch_size = batch;
  c.world_size = world;
  BatchSampler s(plan(policy_name, index, k), c, index.total_snippets());
}

}  // namespace

TEST_CASE("a batch size that k does not divide is refused", "[sampling][errors]") {
  CHECK_THROWS_WITH(make(index_of({100, 100, 100}), "title_grouping", 16, 40),
                    "batch size 40 is not divisible by k = 16 (a batch holds B / k whole titles)");
}

TEST_CASE("groups that do not split over the ranks are refused", "[sampling][errors]") {
  CHECK_THROWS_WITH(make(index_of({100, 100, 100, 100}), "title_grouping", 4, 12, 2),
                    "a batch of 12 holds 3 groups of k = 4, which do not split evenly over 2 ranks");
}

TEST_CASE("a batch needing more distinct titles than there are is refused", "[sampling][errors]") {
  CHECK_THROWS_WITH(make(index_of({100, 100, 3}), "title_grouping", 4, 12),
                    "a batch of 12 needs 3 distinct titles (B / k), but only 2 titles have k = 4 snippets; lower B or k");
}

TEST_CASE("an empty catalogue is refused by every policy", "[sampling][errors]") {
  for (const char* name : {"uniform", "title_grouping", "adjacent", "scene_aware"})
    CHECK_THROWS_WITH(plan(name, index_of({}), std::string(name) == "uniform" ? 1 : 4),
                      "the catalogue has no titles to sample from");
}

TEST_CASE("k larger than every title is refused", "[sampling][errors]") {
  CHECK_THROWS_WITH(plan("title_grouping", index_of({3, 5}), 8),
                    "no title has k = 8 snippets (all 2 are shorter); lower k");
}
