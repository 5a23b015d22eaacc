// Per-node metrics: items in and out, dropped, busy time, queue depth and the
// sources' in-flight counts, in the RunResult and live during a run.
#include <catch2/catch.hpp>
#include <thread>

#include "tests/support/test_operators.h"

using namespace avflow;
using namespace avflow::test;

TEST_CASE("a finished run reports every node's counters", "[executor][metrics]") {
  reset_test_state();
  const char* text = R"([graph]
max_in_flight = 3

[[node]]
name = "src"
op = "test_counter"
count = 50

[[node]]
name = "dbl"
op = "test_double"
skip_odd = true

[[node]]
name = "split"
op = "test_split"

[[node]]
name = "out"
op = "test_slow_sink"

[[node]]
name = "slow"
op = "test_slow_sink"
delay_us = 2000

[[edge]]
from = "src"
to = "dbl"

[[edge]]
from = "dbl"
to = "split"

[[edge]]
from = "split.even"
to = "out"

[[edge]]
from = "src"
to = "slow"
)";
  RunResult r = run_text(text);
  REQUIRE(r.status == RunStatus::kFinished);
  const MetricsSnapshot& m = r.metrics;
  REQUIRE(m.nodes.size() == 5);
  // Topological order: the source first.
  CHECK(m.nodes.front().name == "src");

  const NodeMetrics* src = m.find("src");
  REQUIRE(src);
  CHECK(src->op == "test_counter");
  CHECK(src->shape == Shape::kSource);
  CHECK(src->items_in == 0);
  CHECK(src->items_out == 50);
  CHECK(src->expected == 50);  // announced with expect_items()
  CHECK(src->in_flight == 0);
  CHECK(src->in_flight_peak >= 1);
  CHECK(src->in_flight_peak <= 3);

  const NodeMetrics* dbl = m.find("dbl");
  CHECK(dbl->shape == Shape::kFunction);
  CHECK(dbl->items_in == 50);
  CHECK(dbl->items_out == 25);

  const NodeMetrics* split = m.find("split");
  CHECK(split->shape == Shape::kMulti);
  CHECK(split->items_in == 25);
  CHECK(split->items_out == 25);

  const NodeMetrics* out = m.find("out");
  CHECK(out->shape == Shape::kSink);
  CHECK(out->items_in == 25);
  CHECK(out->items_out == 0);
  CHECK(out->queue_depth == 0);
  CHECK(out->dropped == 0);

  // Busy time is at least the time the sink slept.
  const NodeMetrics* slow = m.find("slow");
  CHECK(slow->items_in == 50);
  CHECK(slow->busy_seconds >= 50 * 0.002);
  CHECK(m.elapsed_seconds >= slow->busy_seconds);
  // Non-source nodes have no in-flight counts.
  CHECK(slow->in_flight == 0);
  CHECK(slow->in_flight_peak == 0);

  CHECK(m.find("nope") == nullptr);

  std::string table = m.table();
  CHECK(table.find("node") == 0);
  for (const char* n : {"src", "dbl", "split", "out", "slow", "test_counter", "test_slow_sink"})
    CHECK(table.find(n) != std::string::npos);
  CHECK(table.find("elapsed") != std::string::npos);
}

TEST_CASE("metrics are readable during a run and show the queue", "[executor][metrics]") {
  reset_test_state();
  const char* text = R"([graph]
max_in_flight = 5

[[node]]
name = "src"
op = "test_counter"
count = 20

[[node]]
name = "out"
op = "test_slow_sink"
gate = "metrics"

[[edge]]
from = "src"
to = "out"
)";
  ResolvedGraph g = load_text(text);
  Executor ex(g);
  RunResult r;
  std::thread runner([&] { r = ex.run(); });
  // The sink is stuck in its first item; the source has handed on 5.
  CHECK(Recorder::wait_entered("out", 1));
  CHECK(wait_until([&] { return ex.metrics().find("src")->in_flight >= 5; }));
  MetricsSnapshot live = ex.metrics();
  CHECK(live.find("out")->items_in == 1);
  // Delivered but not started: everything the source let out but the one in
  // progress.
  CHECK(live.find("out")->queue_depth == int64_t(live.find("src")->items_out) - 1);
  CHECK(live.find("out")->queue_depth == 4);
  CHECK(live.find("src")->in_flight == 5);
  CHECK(live.find("src")->in_flight_peak == 5);
  Gate::open("metrics");
  runner.join();
  REQUIRE(r.status == RunStatus::kFinished);
  CHECK(r.metrics.find("out")->items_in == 20);
  CHECK(r.metrics.find("out")->queue_depth == 0);
  CHECK(r.metrics.find("src")->in_flight == 0);
}

TEST_CASE("an endless source announces no expected total", "[executor][metrics]") {
  reset_test_state();
  const char* text = R"([[node]]
name = "src"
op = "test_counter"
count = -1

[[node]]
name = "out"
op = "test_collect"

[[edge]]
from = "src"
to = "out"
)";
  ResolvedGraph g = load_text(text);
  Executor ex(g);
  RunResult r;
  std::thread runner([&] { r = ex.run(); });
  CHECK(wait_until([&] { return ex.metrics().find("out")->items_in >= 10; }));
  ex.cancel();
  runner.join();
  CHECK(r.status == RunStatus::kCancelled);
  CHECK(r.metrics.find("src")->expected == 0);
  CHECK(r.metrics.find("out")->items_in == r.metrics.find("src")->items_out);
}
