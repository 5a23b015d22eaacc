// On one thread every task the executor's nodes hand back runs on the thread
// that made it (engine/serial_node.h), so the order of work differs from a
// run on several threads. Order, filtering, fan-out, holding nodes, tickets
// and metrics must be as on several threads.
#include <oneapi/tbb/global_control.h>

#include <catch2/catch.hpp>

#include "tests/support/test_operators.h"

using namespace avflow;
using namespace avflow::test;

namespace {

// src -> keep (evens, doubled) -> dbl -> hold (groups of 3) -> out
//                                   \-> side
const char* kGraph = R"([graph]
max_in_flight = 4

[[node]]
name = "src"
op = "test_counter"
count = 40

[[node]]
name = "keep"
op = "test_double"
skip_odd = true

[[node]]
name = "dbl"
op = "test_double"

[[node]]
name = "hold"
op = "test_hold_in_flight"
size = 3

[[node]]
name = "out"
op = "test_collect"

[[node]]
name = "side"
op = "test_collect"

[[edge]]
from = "src"
to = "keep"

[[edge]]
from = "keep"
to = "dbl"

[[edge]]
from = "dbl"
to = "hold"

[[edge]]
from = "dbl"
to = "side"

[[edge]]
from = "hold"
to = "out"
)";

}  // namespace

TEST_CASE("on one thread functions keep order, filter, fan out and count", "[executor][threads]") {
  tbb::global_control one(tbb::global_control::max_allowed_parallelism, 1);
  reset_test_state();
  RunResult r = run_text(kGraph);
  INFO((r.failures.empty() ? std::string() : r.failures[0].str()));
  REQUIRE(r.status == RunStatus::kFinished);

  std::vector<int64_t> want;
  for (int64_t i = 0; i < 40; i += 2) want.push_back(4 * i);
  CHECK(Recorder::values("out") == want);  // in source order, not only the same set
  CHECK(Recorder::values("side") == want);

  const MetricsSnapshot& m = r.metrics;
  CHECK(m.find("src")->in_flight == 0);
  CHECK(m.find("src")->in_flight_peak <= 4);
  CHECK(m.find("keep")->items_in == 40);
  CHECK(m.find("keep")->items_out == 20);
  // Filtered inputs reach no operator and count nowhere.
  CHECK(m.find("dbl")->items_in == 20);
  CHECK(m.find("dbl")->items_out == 20);
  CHECK(m.find("dbl")->queue_depth == 0);
  CHECK(m.find("hold")->items_in == 20);
  CHECK(m.find("out")->items_in == 20);
  CHECK(m.find("side")->items_in == 20);
}
