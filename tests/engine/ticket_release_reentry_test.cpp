// A ticket can come back while its source's limiter is still handing the item
// on: an item routed to an unconnected port is dropped right there, and a
// consumer on another thread may finish an item before the router returns.
// tbb's limiter holds its successor lock for that hand-over, so returning the
// ticket synchronously re-entered the limiter and the run hung (seen on the
// demo graph, whose decode leaves its `snippet` port unconnected).
#include <catch2/catch.hpp>
#include <chrono>
#include <cstdlib>
#include <future>
#include <thread>

#include "tests/support/test_operators.h"

using namespace avflow;
using namespace avflow::test;

namespace {

// Runs the graph on another thread; a hang fails the test instead of the suite.
RunResult run_or_fail_on_hang(const std::string& toml) {
  reset_test_state();
  auto done = std::async(std::launch::async, [toml] { return run_text(toml); });
  if (done.wait_for(std::chrono::seconds(60)) != std::future_status::ready) {
    FAIL_CHECK("the run did not finish within 60 s: a ticket re-entered its limiter");
    std::_Exit(1);  // the hung run's threads cannot be joined
  }
  return done.get();
}

}  // namespace

TEST_CASE("items a multi-output source routes to an unconnected port return their tickets", "[executor][backpressure]") {
  for (int max_in_flight : {1, 2, 8}) {
    for (int run = 0; run < 5; ++run) {
      RunResult r = run_or_fail_on_hang("[graph]\nmax_in_flight = " + std::to_string(max_in_flight) +
                                        "\n[[node]]\nname = \"src\"\nop = \"test_two_out_source\"\ncount = 20000\n"
                                        "[[node]]\nname = \"evens\"\nop = \"test_collect\"\n"
                                        "[[edge]]\nfrom = \"src.evens\"\nto = \"evens\"\n");
      REQUIRE(r.status == RunStatus::kFinished);
      CHECK(Recorder::values("evens").size() == 10000);
      CHECK(r.metrics.find("src")->in_flight == 0);
    }
  }
}

TEST_CASE("tickets of items consumed before the source's router returns come back", "[executor][backpressure]") {
  for (int max_in_flight : {1, 2, 8}) {
    for (int run = 0; run < 5; ++run) {
      RunResult r = run_or_fail_on_hang(
          "[graph]\nmax_in_flight = " + std::to_string(max_in_flight) +
          "\n[[node]]\nname = \"src\"\nop = \"test_two_out_source\"\ncount = 20000\n"
          "[[node]]\nname = \"evens\"\nop = \"test_collect\"\n[[node]]\nname = \"odds\"\nop = \"test_collect\"\n"
          "[[edge]]\nfrom = \"src.evens\"\nto = \"evens\"\n[[edge]]\nfrom = \"src.odds\"\nto = \"odds\"\n");
      REQUIRE(r.status == RunStatus::kFinished);
      CHECK(Recorder::values("evens").size() == 10000);
      CHECK(Recorder::values("odds").size() == 10000);
    }
  }
}
