// The clip groups of temporal self-supervision: k / 2 pairs of clips of one
// title, each a span of s consecutive snippets for a speed s of `speeds`,
// inside the title (or its window); the three order classes equally likely
// and the speeds uniform where they fit; capped in a short title; and
// speeds no title can hold refused.
#include <catch2/catch.hpp>

#include "libs/temporal/clip_pair.h"
#include "tests/support/policy_fixtures.h"

using namespace avflow;
using namespace avflow::test;
using Catch::Matchers::Contains;
using temporal::order_of;

namespace {

std::unique_ptr<sampling::SamplingPlan> clips_plan(const sampling::SamplingIndex& index, int64_t k, int64_t w = 0,
                                                   std::vector<int64_t> speeds = {1, 2, 4, 8}) {
  return policy("temporal_clips").plan(index, {k, w, std::move(speeds)});
}

temporal::ClipSpan span_of(const sampling::Pick& p) { return {p.m, p.m + p.span}; }

}  // namespace

TEST_CASE("temporal_clips gives k / 2 pairs of clips of one title at the speeds, order classes equally likely",
          "[sampling][temporal_clips]") {
  const auto index = index_of({200, 300, 400, 500});
  const int64_t k = 4;
  auto p = clips_plan(index, k);
  CHECK(p->group_size() == 4);
  std::vector<double> orders(3, 0), speeds(4, 0);
  for (int b = 0; b < 6000; ++b) {
    const auto batch = draw_batch(*p, b, 2);
    REQUIRE(batch.size() == 8);
    REQUIRE(batch[0].title != batch[k].title);
    for (size_t g = 0; g < batch.size(); g += k) {
      for (size_t i = g; i < g + k; ++i) {
        const auto& c = batch[i];
        REQUIRE(c.title == batch[g].title);
        REQUIRE((c.span == 1 || c.span == 2 || c.span == 4 || c.span == 8));
        REQUIRE(c.m >= 0);
        REQUIRE(c.m + c.span <= index.titles[c.title].snippets);
        speeds[static_cast<size_t>(c.span == 1 ? 0 : c.span == 2 ? 1 : c.span == 4 ? 2 : 3)] += 1;
      }
      for (size_t i = g; i < g + k; i += 2)
        orders[static_cast<size_t>(order_of(span_of(batch[i]), span_of(batch[i + 1])))] += 1;
    }
  }
  // Long titles: nothing is capped, so the speeds are uniform too.
  CHECK(chi_square(orders, std::vector<double>(3, 6000 * 4 / 3.0)) < chi_square_bound(2));
  CHECK(chi_square(speeds, std::vector<double>(4, 6000 * 8 / 4.0)) < chi_square_bound(3));
}

TEST_CASE("temporal_clips caps the speeds of a pair that would not fit a short title", "[sampling][temporal_clips]") {
  // Title 0 has 6 snippets: one clip of 8 never fits; two side by side at
  // most 6 in all. (Title 1 holds every speed, which are thus allowed.)
  const auto index = index_of({6, 40});
  auto p = clips_plan(index, 2, 0);
  std::vector<double> orders(3, 0);
  bool saw_capped_pair = false;
  for (int b = 0; orders[0] + orders[1] + orders[2] < 3000; ++b) {
    const auto pair = draw_batch(*p, b, 1);
    REQUIRE(pair.size() == 2);
    if (pair[0].title != 0) continue;
    for (const auto& c : pair) {
      REQUIRE(c.span <= 4);
      REQUIRE(c.m + c.span <= 6);
    }
    const auto order = order_of(span_of(pair[0]), span_of(pair[1]));
    orders[static_cast<size_t>(order)] += 1;
    if (order != temporal::PairOrder::kOverlap) REQUIRE(pair[0].span + pair[1].span <= 6);
    saw_capped_pair |= pair[0].span + pair[1].span == 6;
  }
  CHECK(saw_capped_pair);
  CHECK(chi_square(orders, std::vector<double>(3, 1000)) < chi_square_bound(2));
}

TEST_CASE("temporal_clips keeps a title's pairs inside its window of w snippets", "[sampling][temporal_clips]") {
  const auto index = index_of({100});
  auto p = clips_plan(index, 6, 16);
  for (int b = 0; b < 2000; ++b) {
    const auto clips = draw_batch(*p, b, 1);
    REQUIRE(clips.size() == 6);
    int64_t lo = clips[0].m, hi = 0;
    for (const auto& c : clips) {
      lo = std::min(lo, c.m);
      hi = std::max(hi, c.m + c.span);
    }
    REQUIRE(hi - lo <= 16);
  }
}

TEST_CASE("temporal_clips refuses speeds no title holds, and odd k, unordered speeds or a narrow window",
          "[sampling][temporal_clips]") {
  CHECK_THROWS_WITH(clips_plan(index_of({12, 40, 30}), 2, 0, {1, 2, 64}),
                    "speeds: speed 64 spans 64 snippets, more than any title holds (the longest: 40); drop it from "
                    "speeds");
  CHECK_THROWS_WITH(clips_plan(index_of({12, 40}), 2, 16, {1, 32}), Contains("more than any window (w = 16) holds"));
  CHECK_THROWS_WITH(clips_plan(index_of({3, 2}), 2, 0, {2, 4}),
                    Contains("no title holds two clips of the slowest speed 2 (4 snippets; the longest title has 3)"));
  // Titles too short for two clips of the slowest speed are skipped.
  CHECK(clips_plan(index_of({1, 10, 40}), 2)->skipped_titles() == 1);
  const auto& f = policy("temporal_clips");
  CHECK(f.check({4, 0, {1, 2, 4, 8}}).empty());
  CHECK(f.check({3, 0, {1, 2}}) == "k = 3 is odd: a title's k clips are k / 2 pairs (the order task's)");
  CHECK(f.check({2, 0, {2, 1}}) == "speeds must be distinct whole numbers >= 1 in increasing order, e.g. [1, 2, 4, 8]");
  CHECK(f.check({2, 0, {}}) == "speeds is empty: give at least one playback speed, e.g. [1, 2, 4, 8]");
  CHECK(f.check({2, 3, {2, 4}}) ==
        "w = 3 cannot hold two clips of the slowest speed 2 side by side (4 snippets)");
}
