#include <catch2/catch.hpp>

#include <set>

#include "tests/support/policy_fixtures.h"

using namespace avflow;
using namespace avflow::sampling;
using namespace avflow::test;

TEST_CASE("ranks share each global batch without overlap and their union is the single-process batch",
          "[sampling][ranks]") {
  std::vector<int64_t> lengths;
  for (int i = 0; i < 40; ++i) lengths.push_back(30 + i);
  const auto index = index_of(lengths);
  const int64_t world = 4;
  auto make = [&](int64_t rank, int64_t world_size) {
    SamplerConfig c;
    c.batch_size = 64;  // 16 titles of k = 4, 4 per rank
    c.seed = 5;
    c.rank = rank;
    c.world_size = world_size;
    return BatchSampler(plan("title_grouping", index, 4), c, index.total_snippets());
  };
  BatchSampler single = make(0, 1);
  std::vector<BatchSampler> ranks;
  for (int64_t r = 0; r < world; ++r) ranks.push_back(make(r, world));
  for (int step = 0; step < 20; ++step) {
    std::vector<Pick> whole, joined;
    single.next(whole);
    std::set<int32_t> seen_titles;
    for (auto& r : ranks) {
      std::vector<Pick> share;
      r.next(share);
      REQUIRE(share.size() == 16);
      std::set<int32_t> titles;
      for (const auto& p : share) titles.insert(p.title);
      for (int32_t t : titles) REQUIRE(seen_titles.insert(t).second);  // no title on two ranks
      joined.insert(joined.end(), share.begin(), share.end());
    }
    REQUIRE(joined.size() == whole.size());
    for (size_t i = 0; i < whole.size(); ++i) {
      REQUIRE(joined[i].title == whole[i].title);
      REQUIRE(joined[i].m == whole[i].m);
    }
  }
}
