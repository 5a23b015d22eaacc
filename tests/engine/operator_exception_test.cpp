// An exception from an operator fails the run: the failure names the node,
// the phase and the item, and every opened operator is closed with kFailed.
#include <algorithm>

#include <catch2/catch.hpp>

#include "tests/support/test_operators.h"

using namespace avflow;
using namespace avflow::test;

namespace {

std::string chain(const std::string& src_params, const std::string& throw_params, int64_t limit = 4) {
  return "[graph]\nmax_in_flight = " + std::to_string(limit) + R"(

[[node]]
name = "src"
op = "test_counter"
)" + src_params + R"(

[[node]]
name = "thrower"
op = "test_throw"
)" + throw_params + R"(

[[node]]
name = "out"
op = "test_collect"

[[edge]]
from = "src"
to = "thrower"

[[edge]]
from = "thrower"
to = "out"
)";
}

std::vector<int64_t> sorted_values(const std::string& node) {
  auto v = Recorder::values(node);
  std::sort(v.begin(), v.end());
  return v;
}

void check_closed_as(const std::vector<std::string>& nodes, CloseReason reason) {
  for (const auto& n : nodes) {
    INFO("node " << n);
    CHECK(Lifecycle::open_count(n) == 1);
    CHECK(Lifecycle::close_count(n) == 1);
    CHECK(Lifecycle::close_reason(n) == reason);
  }
}

}  // namespace

TEST_CASE("an exception in process() names the node, the phase and the item", "[executor][exception]") {
  reset_test_state();
  RunResult r = run_text(chain("count = 100", "on_item = 3"));
  REQUIRE(r.status == RunStatus::kFailed);
  REQUIRE(r.failures.size() == 1);
  const RunFailure& f = r.failures[0];
  CHECK(f.node == "thrower");
  CHECK(f.phase == "process");
  CHECK(f.item == "item 3 of source 'src' (test_int [v=3])");
  CHECK(f.message == "test_throw: boom on 3");
  CHECK(f.str() == "node 'thrower' failed in process on item 3 of source 'src' (test_int [v=3]): test_throw: boom on 3");
  // Items before the failing one went through; the failing one did not.
  auto got = Recorder::values("out");
  CHECK(std::find(got.begin(), got.end(), 3) == got.end());
  CHECK(got.size() < 100);
  check_closed_as({"src", "thrower", "out"}, CloseReason::kFailed);
  // The source stopped: it did not run to its end.
  CHECK(r.metrics.find("src")->items_out < 100);
}

TEST_CASE("the item is numbered by its source after filtering and fan-out", "[executor][exception]") {
  // Odd items are filtered out and the rest doubled before the thrower; the
  // value 8 it throws on is the source's item 4.
  reset_test_state();
  const char* text = R"([[node]]
name = "src"
op = "test_counter"
count = 50

[[node]]
name = "dbl"
op = "test_double"
skip_odd = true

[[node]]
name = "thrower"
op = "test_throw"
on_item = 8

[[node]]
name = "out"
op = "test_collect"

[[edge]]
from = "src"
to = "dbl"

[[edge]]
from = "dbl"
to = "thrower"

[[edge]]
from = "thrower"
to = "out"
)";
  RunResult r = run_text(text);
  REQUIRE(r.status == RunStatus::kFailed);
  REQUIRE_FALSE(r.failures.empty());
  CHECK(r.failures[0].node == "thrower");
  CHECK(r.failures[0].item == "item 4 of source 'src' (test_int [v=8])");
}

TEST_CASE("an exception not derived from std::exception is reported too", "[executor][exception]") {
  reset_test_state();
  RunResult r = run_text(chain("count = 10", "on_item = 2\nkind = \"int\""));
  REQUIRE(r.status == RunStatus::kFailed);
  REQUIRE(r.failures.size() == 1);
  CHECK(r.failures[0].node == "thrower");
  CHECK(r.failures[0].phase == "process");
  CHECK(r.failures[0].message == "an exception not derived from std::exception");
  check_closed_as({"src", "thrower", "out"}, CloseReason::kFailed);
}

TEST_CASE("an exception in a source's process() names the source", "[executor][exception]") {
  reset_test_state();
  RunResult r = run_text(chain("count = 10\nthrow_at = 4", "on_item = 99"));
  REQUIRE(r.status == RunStatus::kFailed);
  REQUIRE(r.failures.size() == 1);
  CHECK(r.failures[0].node == "src");
  CHECK(r.failures[0].phase == "process");
  CHECK(r.failures[0].message == "test_counter: failed to make item 4");
  CHECK(r.metrics.find("src")->items_out == 4);
  check_closed_as({"src", "thrower", "out"}, CloseReason::kFailed);
}

TEST_CASE("an exception in open() closes the operators already opened", "[executor][exception]") {
  reset_test_state();
  const char* text = R"([[node]]
name = "src"
op = "test_counter"

[[node]]
name = "probe"
op = "test_close_probe"
fail_open = true

[[node]]
name = "out"
op = "test_collect"

[[edge]]
from = "src"
to = "probe"

[[edge]]
from = "probe"
to = "out"
)";
  RunResult r = run_text(text);
  REQUIRE(r.status == RunStatus::kFailed);
  REQUIRE(r.failures.size() == 1);
  CHECK(r.failures[0].node == "probe");
  CHECK(r.failures[0].phase == "open");
  CHECK(r.failures[0].message == "test_close_probe: refusing to open");
  // Opened in topological order: src opened and is closed as failed; the
  // probe's open did not succeed, so it is not closed; out was never opened.
  check_closed_as({"src"}, CloseReason::kFailed);
  CHECK(Lifecycle::open_count("probe") == 0);
  CHECK(Lifecycle::close_count("probe") == 0);
  CHECK(Lifecycle::open_count("out") == 0);
  CHECK(Lifecycle::close_count("out") == 0);
  // Nothing ran.
  CHECK(r.metrics.find("src")->items_out == 0);
}

TEST_CASE("a non-std exception in open() still closes the opened operators", "[executor][exception]") {
  reset_test_state();
  RunResult r = run_text(chain("count = 3", "phase = \"open\"\nkind = \"int\""));
  REQUIRE(r.status == RunStatus::kFailed);
  REQUIRE(r.failures.size() == 1);
  CHECK(r.failures[0].node == "thrower");
  CHECK(r.failures[0].phase == "open");
  CHECK(r.failures[0].message == "an exception not derived from std::exception");
  check_closed_as({"src"}, CloseReason::kFailed);
  CHECK(Lifecycle::close_count("thrower") == 0);
}

TEST_CASE("an exception in finish() fails the run after the stream", "[executor][exception]") {
  reset_test_state();
  RunResult r = run_text(chain("count = 5", "phase = \"finish\""));
  REQUIRE(r.status == RunStatus::kFailed);
  REQUIRE(r.failures.size() == 1);
  CHECK(r.failures[0].node == "thrower");
  CHECK(r.failures[0].phase == "finish");
  CHECK(r.failures[0].item.empty());
  CHECK(r.failures[0].message == "test_throw: boom in finish");
  CHECK(sorted_values("out") == std::vector<int64_t>{0, 1, 2, 3, 4});
  check_closed_as({"src", "thrower", "out"}, CloseReason::kFailed);
}

TEST_CASE("an exception in close() fails the run but every other node is closed", "[executor][exception]") {
  reset_test_state();
  RunResult r = run_text(chain("count = 5", "phase = \"close\""));
  REQUIRE(r.status == RunStatus::kFailed);
  REQUIRE(r.failures.size() == 1);
  CHECK(r.failures[0].node == "thrower");
  CHECK(r.failures[0].phase == "close");
  CHECK(r.failures[0].message == "test_throw: boom in close");
  CHECK(sorted_values("out") == std::vector<int64_t>{0, 1, 2, 3, 4});
  // The stream itself finished, so close() was told so, also after the
  // thrower's close failed.
  check_closed_as({"src", "thrower", "out"}, CloseReason::kFinished);
}

TEST_CASE("a failing close() after a failure is reported after the cause", "[executor][exception]") {
  // The source fails; the thrower's close() then throws too. The first
  // failure is the cause, the close failure follows it.
  reset_test_state();
  RunResult r = run_text(chain("count = 10\nthrow_at = 2", "phase = \"close\""));
  REQUIRE(r.status == RunStatus::kFailed);
  REQUIRE(r.failures.size() == 2);
  CHECK(r.failures[0].node == "src");
  CHECK(r.failures[0].phase == "process");
  CHECK(r.failures[1].node == "thrower");
  CHECK(r.failures[1].phase == "close");
  check_closed_as({"src", "thrower", "out"}, CloseReason::kFailed);
}
