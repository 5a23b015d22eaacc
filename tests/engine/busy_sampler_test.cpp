// Busy-time sampling (engine/busy_clock.h): cheap calls are timed one in a
// group and scaled, expensive ones every time, and the total stays close to
// the true one whatever the pattern of costs.
#include <catch2/catch.hpp>

#include <cstdint>
#include <functional>

#include "engine/busy_clock.h"

using avflow::detail::BusySampler;

namespace {

struct Tally {
  uint64_t estimate = 0;  // busy ticks as the executor would count them
  uint64_t truth = 0;
  uint64_t timed = 0;
};

// Runs `calls` calls whose i-th costs cost(i) ticks through a sampler.
Tally run(uint64_t calls, const std::function<uint64_t(uint64_t)>& cost) {
  BusySampler sampler;
  Tally t;
  for (uint64_t i = 0; i < calls; ++i) {
    const uint64_t c = cost(i);
    t.truth += c;
    if (sampler.time_this_call()) {
      ++t.timed;
      t.estimate += sampler.weigh(c);
    }
  }
  return t;
}

double ratio(const Tally& t) { return static_cast<double>(t.estimate) / static_cast<double>(t.truth); }

}  // namespace

TEST_CASE("cheap calls are timed one in a group and scaled", "[busy]") {
  Tally t = run(32000, [](uint64_t) { return 100; });
  CHECK(t.timed <= 32000 / BusySampler::kGroup + 2);
  CHECK(ratio(t) == Approx(1.0).epsilon(0.01));
}

TEST_CASE("expensive calls are all timed and count once", "[busy]") {
  Tally t = run(1000, [](uint64_t) { return 2 * BusySampler::kExpensiveTicks; });
  CHECK(t.timed == 1000);
  CHECK(t.estimate == t.truth);
}

TEST_CASE("a cost recurring once a group is not aliased", "[busy]") {
  // Every 32nd call costs ten times the others, still cheap on average.
  Tally t = run(320000, [](uint64_t i) { return i % BusySampler::kGroup == 7 ? 1000 : 100; });
  CHECK(t.timed < 320000 / 16);
  CHECK(ratio(t) == Approx(1.0).epsilon(0.05));
}

TEST_CASE("a batcher whose rare calls make it expensive on average is timed exactly", "[busy]") {
  // Until the first sample lands on a slow call the batcher looks cheap; the
  // sample that does counts a group's worth, the estimate's only error.
  Tally t = run(64000, [](uint64_t i) { return i % 64 == 63 ? 1'000'000 : 50; });
  CHECK(t.timed > 64000 * 9 / 10);
  CHECK(ratio(t) == Approx(1.0).epsilon(0.05));
}

TEST_CASE("a node that turns expensive is soon timed every call", "[busy]") {
  // 10000 cheap calls, then 1000 expensive: the expensive phase is timed
  // from its first group or two on.
  Tally t = run(11000, [](uint64_t i) { return i < 10000 ? 100 : 100'000; });
  CHECK(t.timed > 1000 - 2 * BusySampler::kGroup);
  CHECK(ratio(t) == Approx(1.0).epsilon(0.1));
}
