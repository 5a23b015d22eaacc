// An operator declaring kHoldsInputs (a batcher) keeps the items it holds in
// flight until it emits: the source's max_in_flight then bounds what exists
// between source and sink, group tickets count the items of their members,
// and a limit too small for what the holders need fails the run with an
// explanation instead of ending it early.
#include <catch2/catch.hpp>

#include "tests/support/test_operators.h"

using namespace avflow;
using namespace avflow::test;

namespace {

std::string node(const std::string& name, const std::string& op, const std::string& params = "") {
  return "[[node]]\nname = \"" + name + "\"\nop = \"" + op + "\"\n" + params + "\n\n";
}
std::string edge(const std::string& from, const std::string& to) {
  return "[[edge]]\nfrom = \"" + from + "\"\nto = \"" + to + "\"\n\n";
}
std::string limit(int64_t n) { return "[graph]\nmax_in_flight = " + std::to_string(n) + "\n\n"; }

// 60 numbers; a passes pairs on, packet by packet; b passes on every three
// packets, so it needs items of two pairs before it emits.
const std::string kChainedHolders =
    node("src", "test_counter", "count = 60") + node("a", "test_hold_in_flight", "size = 2") +
    node("b", "test_hold_in_flight", "size = 3") + node("out", "test_any_sink") + edge("src", "a") + edge("a", "b") +
    edge("b", "out");

// 0 + 1 + ... + (n - 1)
int64_t sum_below(int64_t n) { return n * (n - 1) / 2; }

}  // namespace

TEST_CASE("items a holding node keeps stay within max_in_flight", "[executor][backpressure][holds]") {
  reset_test_state();
  constexpr int64_t kItems = 4000;
  // The sink is slow and waits on its first group until 9 values exist (the
  // limit and one waiting at the source), so the source runs into the limit.
  // Held values count against it: never more than 8 + 1 exist, where a holder
  // without the trait lets the source run groups ahead of the sink.
  RunResult r = run_text(limit(8) + node("src", "test_tracked_source", "count = " + std::to_string(kItems)) +
                         node("mid", "test_hold_in_flight", "size = 4") +
                         node("out", "test_tracked_sink", "delay_us = 20\nwait_live = 9") + edge("src", "mid") +
                         edge("mid", "out"));
  REQUIRE(r.status == RunStatus::kFinished);
  CHECK(Recorder::values("out") == std::vector<int64_t>{sum_below(kItems)});
  CHECK(Tracked::peak() <= 8 + 1);
  CHECK(r.metrics.find("src")->in_flight_peak == 8);
  CHECK(r.metrics.find("src")->in_flight == 0);
  CHECK(Tracked::live() == 0);
}

TEST_CASE("chained holders finish when max_in_flight covers what they hold together", "[executor][holds]") {
  reset_test_state();
  // 4 in flight suffice (3 do not, below).
  RunResult r = run_text(limit(4) + kChainedHolders);
  REQUIRE(r.status == RunStatus::kFinished);
  std::vector<int64_t> expected(60);
  for (int64_t i = 0; i < 60; ++i) expected[size_t(i)] = i;
  CHECK(Recorder::values("out") == expected);
  CHECK(r.metrics.find("src")->in_flight == 0);
}

TEST_CASE("a limit below what holders need fails the run naming them", "[executor][holds]") {
  reset_test_state();
  // Items 0 and 1 wait in b as two packets of one pair, item 2 in a, and b
  // needs a third packet: 3 in flight are not enough.
  RunResult r = run_text(limit(3) + kChainedHolders);
  REQUIRE(r.status == RunStatus::kFailed);
  REQUIRE(r.failures.size() == 1);
  const std::string msg = r.failures[0].str();
  INFO(msg);
  CHECK(msg.find("stalled") != std::string::npos);
  CHECK(msg.find("source 'src'") != std::string::npos);
  CHECK(msg.find("max_in_flight 3") != std::string::npos);
  CHECK(msg.find("'a' holds 1, 'b' holds 2") != std::string::npos);
  CHECK(Recorder::values("out").empty());
  // Nothing was flushed as if the stream had ended, every node was closed.
  CHECK(Lifecycle::close_reason("b") == CloseReason::kFailed);
}

TEST_CASE("a holding operator must be serial and have inputs and outputs", "[contract][holds]") {
  Contract c = make_contract(In<TestInt>{"in", "x"}, kHoldsInputs);
  CHECK_THROWS_WITH(c.check("sink_op"), Catch::Contains("kHoldsInputs needs a serial operator"));
  Contract p = make_contract(In<TestInt>{"in", "x"}, Out<TestInt>{"out", "y"}, kHoldsInputs, kParallel);
  CHECK_THROWS_WITH(p.check("par_op"), Catch::Contains("kHoldsInputs"));
  Contract ok = make_contract(In<TestInt>{"in", "x"}, Out<TestInt>{"out", "y"}, kHoldsInputs);
  CHECK_NOTHROW(ok.check("batcher"));
}
