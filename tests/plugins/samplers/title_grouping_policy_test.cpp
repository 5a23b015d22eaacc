#include <catch2/catch.hpp>

#include <algorithm>
#include <set>

#include "tests/support/policy_fixtures.h"

using namespace avflow;
using namespace avflow::test;

namespace {

std::vector<int64_t> varied_lengths(int titles) {
  std::vector<int64_t> m;
  for (int i = 0; i < titles; ++i) m.push_back(100 + 97 * i % 1900);
  return m;
}

}  // namespace

TEST_CASE("title_grouping draws titles uniformly whatever their length", "[sampling][title_grouping]") {
  const auto index = index_of(varied_lengths(20));
  auto p = plan("title_grouping", index, 4);
  std::vector<double> count(20, 0);
  const int batches = 20000, groups = 5;
  for (int b = 0; b < batches; ++b) {
    const auto batch = draw_batch(*p, b, groups);
    for (size_t g = 0; g < batch.size(); g += 4) count[batch[g].title] += 1;
  }
  CHECK(chi_square(count, std::vector<double>(20, batches * groups / 20.0)) < chi_square_bound(19));
}

TEST_CASE("title_grouping gives k distinct snippets of each of B / k distinct titles, spanning at most w",
          "[sampling][title_grouping]") {
  const auto index = index_of(varied_lengths(50));
  const int64_t k = 16, w = 64, groups = 32;
  auto p = plan("title_grouping", index, k, w);
  int64_t widest = 0;
  for (int b = 0; b < 500; ++b) {
    const auto batch = draw_batch(*p, b, groups);
    REQUIRE(batch.size() == static_cast<size_t>(k * groups));
    std::set<int32_t> titles;
    for (int64_t g = 0; g < groups; ++g) {
      std::set<int64_t> ms;
      for (int64_t i = 0; i < k; ++i) {
        const auto& pick = batch[g * k + i];
        REQUIRE(pick.title == batch[g * k].title);
        REQUIRE(pick.m >= 0);
        REQUIRE(pick.m < index.titles[pick.title].snippets);
        ms.insert(pick.m);
      }
      REQUIRE(ms.size() == static_cast<size_t>(k));
      const int64_t span = *ms.rbegin() - *ms.begin() + 1;
      REQUIRE(span <= w);
      widest = std::max(widest, span);
      titles.insert(batch[g * k].title);
    }
    REQUIRE(titles.size() == static_cast<size_t>(groups));
  }
  CHECK(widest > w - 4);  // the window is used, not a narrower one
}

TEST_CASE("title_grouping with w = M_n reaches across the whole title", "[sampling][title_grouping]") {
  const auto index = index_of({400});
  auto p = plan("title_grouping", index, 8);
  int64_t lo = 400, hi = 0;
  for (int b = 0; b < 1000; ++b)  // each snippet missed with probability e^-20
    for (const auto& pick : draw_batch(*p, b, 1)) {
      lo = std::min(lo, pick.m);
      hi = std::max(hi, pick.m);
    }
  CHECK(lo == 0);
  CHECK(hi == 399);
}

TEST_CASE("title_grouping skips titles shorter than k and says how many", "[sampling][title_grouping]") {
  const auto index = index_of({3, 10, 50, 7});
  auto p = plan("title_grouping", index, 8);
  CHECK(p->skipped_titles() == 2);
  CHECK(p->max_groups() == 2);
  for (int b = 0; b < 100; ++b)
    for (const auto& pick : draw_batch(*p, b, 2)) CHECK((pick.title == 1 || pick.title == 2));
}

TEST_CASE("title_grouping refuses w smaller than k", "[sampling][title_grouping]") {
  CHECK(policy("title_grouping").check({16, 8}) == "w = 8 is smaller than k = 16: k distinct snippets span at least k");
  CHECK(policy("title_grouping").check({16, 16}).empty());
  CHECK(policy("title_grouping").check({16, 0}).empty());
}
