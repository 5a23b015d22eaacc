#include <catch2/catch.hpp>

#include "tests/support/policy_fixtures.h"

using namespace avflow;
using namespace avflow::test;

TEST_CASE("adjacent gives k consecutive snippets at a uniform start", "[sampling][adjacent]") {
  const auto index = index_of({20, 30, 40, 50});
  const int64_t k = 4;
  auto p = plan("adjacent", index, k);
  std::vector<double> starts(20 - k + 1, 0);
  for (int b = 0; b < 20000; ++b) {
    const auto batch = draw_batch(*p, b, 2);
    for (size_t g = 0; g < batch.size(); g += k) {
      for (int64_t i = 1; i < k; ++i) {
        REQUIRE(batch[g + i].title == batch[g].title);
        REQUIRE(batch[g + i].m == batch[g].m + i);
      }
      REQUIRE(batch[g + k - 1].m < index.titles[batch[g].title].snippets);
      if (batch[g].title == 0) starts[batch[g].m] += 1;
    }
    REQUIRE(batch[0].title != batch[k].title);
  }
  double total = 0;
  for (double s : starts) total += s;
  CHECK(chi_square(starts, std::vector<double>(starts.size(), total / starts.size())) <
        chi_square_bound(static_cast<double>(starts.size() - 1)));
}

TEST_CASE("adjacent sets w itself", "[sampling][adjacent]") {
  CHECK(policy("adjacent").check({16, 0}).empty());
  CHECK(policy("adjacent").check({16, 16}).empty());
  CHECK(policy("adjacent").check({16, 64}) == "adjacent sets w = k; leave w unset (0) instead of 64");
}
