// Bounded in-flight work: a fast source feeding a slow consumer holds at most
// max_in_flight items past the source plus the one waiting at it, whatever
// the stream length. Asserted on counters (live payload instances and the
// source's in-flight peak), never on timings.
#include <catch2/catch.hpp>
#include <thread>

#include "tests/support/test_operators.h"

using namespace avflow;
using namespace avflow::test;

namespace {

constexpr int64_t kItems = 20000;
constexpr int64_t kSum = kItems * (kItems - 1) / 2;

std::string tracked_chain(int64_t limit, const std::string& sink_params, const std::string& middle = "") {
  std::string g = "[graph]\nmax_in_flight = " + std::to_string(limit) + R"(
[[node]]
name = "src"
op = "test_tracked_source"
count = )" + std::to_string(kItems) + R"(

[[node]]
name = "out"
op = "test_tracked_sink"
)" + sink_params + "\n";
  if (middle.empty()) return g + "[[edge]]\nfrom = \"src\"\nto = \"out\"\n";
  return g + middle + "[[edge]]\nfrom = \"src\"\nto = \"mid\"\n[[edge]]\nfrom = \"mid\"\nto = \"out\"\n";
}

}  // namespace

TEST_CASE("a fast source and a slow sink stay within max_in_flight + 1", "[executor][backpressure]") {
  const int64_t limit = GENERATE(as<int64_t>{}, 1, 8);
  INFO("max_in_flight = " << limit);
  reset_test_state();
  REQUIRE(Tracked::live() == 0);
  // The sink holds its first item until `limit` + 1 values exist (the limit
  // and one more waiting at the source), so the source certainly runs into
  // the limit; then it is slower than the source (a
  // short busy wait per item) for the whole stream.
  RunResult r = run_text(tracked_chain(limit, "delay_us = 2\nwait_live = " + std::to_string(limit + 1)));
  REQUIRE(r.status == RunStatus::kFinished);
  // Every item arrived.
  CHECK(Recorder::values("out") == std::vector<int64_t>{kSum});
  const NodeMetrics* src = r.metrics.find("src");
  REQUIRE(src);
  CHECK(src->items_out == uint64_t(kItems));
  // The bound, on the engine's own counter (items the source handed on) and
  // on the payload's (those plus any made and waiting at the source).
  CHECK(src->in_flight_peak == limit);
  CHECK(Tracked::peak() >= limit);
  CHECK(Tracked::peak() <= limit + 1);
  // Every ticket came back, every value is gone.
  CHECK(src->in_flight == 0);
  CHECK(Tracked::live() == 0);
}

TEST_CASE("the bound holds through a function and over fan-out", "[executor][backpressure]") {
  reset_test_state();
  const char* text = R"([graph]
max_in_flight = 6

[[node]]
name = "src"
op = "test_counter"
count = 5000

[[node]]
name = "dbl"
op = "test_double"

[[node]]
name = "split"
op = "test_split"

[[node]]
name = "fast"
op = "test_collect"

[[node]]
name = "slow"
op = "test_collect"
gate = "slow"

[[edge]]
from = "src"
to = "dbl"

[[edge]]
from = "dbl"
to = "split"

[[edge]]
from = "split.even"
to = "slow"

[[edge]]
from = "src"
to = "fast"
)";
  ResolvedGraph g = load_text(text);
  Executor ex(g);
  RunResult r;
  std::thread runner([&] { r = ex.run(); });
  // The gated sink blocks on its first item; every item after it stays in
  // flight (each passes through the slow branch), so the source stops at the
  // limit and stays there.
  bool reached = wait_until([&] { return ex.metrics().find("src")->in_flight >= 6; });
  CHECK(reached);
  CHECK(Recorder::wait_entered("slow", 1));
  std::this_thread::sleep_for(std::chrono::milliseconds(20));  // give a broken limit time to show
  MetricsSnapshot blocked = ex.metrics();
  CHECK(blocked.find("src")->items_out == 6);  // let through; a 7th may wait at the source
  CHECK(blocked.find("src")->in_flight == 6);
  CHECK(Recorder::values("fast").size() <= 6);
  Gate::open("slow");
  runner.join();
  REQUIRE(r.status == RunStatus::kFinished);
  CHECK(r.metrics.find("src")->in_flight_peak == 6);
  CHECK(r.metrics.find("src")->in_flight == 0);
  CHECK(Recorder::values("fast").size() == 5000);
  CHECK(Recorder::values("slow").size() == 5000);  // doubled, so all even
}

TEST_CASE("an operator holding packets in its state cannot deadlock the limit", "[executor][backpressure]") {
  // test_hold keeps 500 packets before passing any on, far more than the 4
  // allowed in flight: held packets must not hold tickets, or the source
  // would stop at 4 and the run would never end.
  reset_test_state();
  std::string mid = "[[node]]\nname = \"mid\"\nop = \"test_hold\"\nsize = 500\n\n";
  RunResult r = run_text(tracked_chain(4, "delay_us = 2", mid));
  REQUIRE(r.status == RunStatus::kFinished);
  CHECK(Recorder::values("out") == std::vector<int64_t>{kSum});
  CHECK(r.metrics.find("src")->items_out == uint64_t(kItems));
  CHECK(r.metrics.find("src")->in_flight_peak <= 4);
  // A group passed on carries the ticket of the item that completed it, so
  // behind the holder at most 4 groups are in flight: memory stays bounded by
  // what it holds plus max_in_flight groups, not by the stream (20000).
  CHECK(Tracked::peak() <= 500 + 4 * 500 + 1);
  CHECK(Tracked::live() == 0);
}
