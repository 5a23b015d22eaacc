#include <catch2/catch.hpp>

#include "tests/support/policy_fixtures.h"

using namespace avflow;
using namespace avflow::test;

TEST_CASE("uniform draws every snippet of the union equally often", "[sampling][uniform]") {
  const auto index = index_of({5, 20, 75});
  auto p = plan("uniform", index, 1);
  CHECK(p->group_size() == 1);
  std::vector<double> per_title(3, 0), in_t1(20, 0);
  const int batches = 2000, size = 100;
  for (int b = 0; b < batches; ++b)
    for (const auto& pick : draw_batch(*p, b, size)) {
      REQUIRE(pick.m >= 0);
      REQUIRE(pick.m < index.titles[pick.title].snippets);
      per_title[pick.title] += 1;
      if (pick.title == 1) in_t1[pick.m] += 1;
    }
  const double n = batches * size;
  CHECK(chi_square(per_title, {n * 0.05, n * 0.20, n * 0.75}) < chi_square_bound(2));
  CHECK(chi_square(in_t1, std::vector<double>(20, per_title[1] / 20)) < chi_square_bound(19));
}

TEST_CASE("uniform's same-title pair rate is the sum of squared title shares", "[sampling][uniform]") {
  const auto index = index_of({5, 20, 75});
  auto p = plan("uniform", index, 1);
  double same = 0, pairs = 0;
  for (int b = 0; b < 1000; ++b) {
    const auto batch = draw_batch(*p, b, 64);
    for (size_t i = 0; i < batch.size(); ++i)
      for (size_t j = i + 1; j < batch.size(); ++j) {
        same += batch[i].title == batch[j].title;
        pairs += 1;
      }
  }
  const double expected = 0.05 * 0.05 + 0.2 * 0.2 + 0.75 * 0.75;  // 0.605
  CHECK(same / pairs == Approx(expected).margin(0.01));
}

TEST_CASE("uniform refuses k other than 1", "[sampling][uniform]") {
  CHECK(policy("uniform").check({1, 0}).empty());
  CHECK(policy("uniform").check({4, 0}) == "uniform draws single snippets: k must be 1 (it is 4)");
}
