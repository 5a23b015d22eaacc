// Executor::cancel() from another thread: sources stop, kDropOnCancel
// operators skip their queued items, the others drain theirs, every opened
// operator is closed with CloseReason::kCancelled, and run() says kCancelled.
#include <catch2/catch.hpp>
#include <thread>

#include "tests/support/test_operators.h"

using namespace avflow;
using namespace avflow::test;

namespace {

// An endless source feeding, through a pass-through probe, a draining and a
// dropping sink that both wait on the gate "cancel" before every item.
const char* kGraph = R"([graph]
max_in_flight = 8

[[node]]
name = "src"
op = "test_counter"
count = -1

[[node]]
name = "probe"
op = "test_close_probe"

[[node]]
name = "drain"
op = "test_slow_sink"
gate = "cancel"

[[node]]
name = "drop"
op = "test_slow_drop_sink"
gate = "cancel"

[[edge]]
from = "src"
to = "probe"

[[edge]]
from = "probe"
to = "drain"

[[edge]]
from = "probe"
to = "drop"
)";

}  // namespace

TEST_CASE("cancel() stops an endless run: droppers drop, drainers drain", "[executor][cancel]") {
  reset_test_state();
  ResolvedGraph g = load_text(kGraph);
  Executor ex(g);
  RunResult r;
  std::thread runner([&] { r = ex.run(); });

  // Both sinks are inside their first item and the source has filled its
  // limit: everything else is queued in front of the sinks.
  CHECK(Recorder::wait_entered("drain", 1));
  CHECK(Recorder::wait_entered("drop", 1));
  CHECK(wait_until([&] { return ex.metrics().find("src")->in_flight >= 8; }));
  CHECK_FALSE(ex.cancelled());

  ex.cancel();
  CHECK(ex.cancelled());
  Gate::open("cancel");
  runner.join();

  CHECK(r.status == RunStatus::kCancelled);
  CHECK(r.failures.empty());
  const NodeMetrics* src = r.metrics.find("src");
  const NodeMetrics* drain = r.metrics.find("drain");
  const NodeMetrics* drop = r.metrics.find("drop");
  REQUIRE((src && drain && drop));
  // The source stopped: what it emitted is what the limit let out (8) plus
  // the one waiting at it.
  CHECK(src->items_out >= 8);
  CHECK(src->items_out <= 9);
  CHECK(src->in_flight_peak == 8);
  CHECK(src->in_flight == 0);
  // The draining sink processed everything that reached it.
  CHECK(drain->items_in == src->items_out);
  CHECK(drain->dropped == 0);
  CHECK(Recorder::values("drain").size() == src->items_out);
  // The dropping sink finished the item it was in and dropped the queue.
  CHECK(drop->items_in == 1);
  CHECK(drop->dropped == src->items_out - 1);
  CHECK(drop->dropped >= 7);
  CHECK(Recorder::values("drop").size() == 1);
  CHECK(drop->queue_depth == 0);

  // Every operator was opened once and closed once, as cancelled.
  for (const char* n : {"src", "probe", "drain", "drop"}) {
    INFO(n);
    CHECK(Lifecycle::open_count(n) == 1);
    CHECK(Lifecycle::close_count(n) == 1);
    CHECK(Lifecycle::close_reason(n) == CloseReason::kCancelled);
  }
}

TEST_CASE("cancel() before run() ends the run at once as cancelled", "[executor][cancel]") {
  reset_test_state();
  ResolvedGraph g = load_text(kGraph);
  Executor ex(g);
  ex.cancel();
  RunResult r = ex.run();
  CHECK(r.status == RunStatus::kCancelled);
  CHECK(r.metrics.find("src")->items_out == 0);
  CHECK(Recorder::entered_count("drain") == 0);
  for (const char* n : {"src", "probe", "drain", "drop"}) {
    INFO(n);
    CHECK(Lifecycle::close_reason(n) == CloseReason::kCancelled);
  }
}

TEST_CASE("finish() is not called after a cancel", "[executor][cancel]") {
  // test_batch_sum would flush its partial sum from finish(); after a cancel
  // the stream did not end normally, so nothing is flushed.
  reset_test_state();
  const char* text = R"([graph]
max_in_flight = 4

[[node]]
name = "src"
op = "test_counter"
count = -1

[[node]]
name = "sum"
op = "test_batch_sum"
size = 1000000

[[node]]
name = "out"
op = "test_collect"

[[edge]]
from = "src"
to = "sum"

[[edge]]
from = "sum"
to = "out"
)";
  ResolvedGraph g = load_text(text);
  Executor ex(g);
  RunResult r;
  std::thread runner([&] { r = ex.run(); });
  CHECK(wait_until([&] { return ex.metrics().find("sum")->items_in >= 100; }));
  ex.cancel();
  runner.join();
  CHECK(r.status == RunStatus::kCancelled);
  CHECK(r.metrics.find("sum")->items_in >= 100);
  CHECK(Recorder::values("out").empty());
  CHECK(Lifecycle::close_reason("sum") == CloseReason::kCancelled);
}
