#include <signal.h>

#include <catch2/catch.hpp>
#include <cstdio>

#include "tests/runtime/cli_fixture.h"

using namespace avflow::test;

TEST_CASE("Ctrl-C stops a run cleanly, closes operators and exits 0", "[cli][signal]") {
  TempDir dir;
  auto g = dir.write("endless.toml", endless_graph(5));
  for (int sig : {SIGINT, SIGTERM}) {
    BackgroundProcess p({avflow_program(), "run", g});
    REQUIRE(p.wait_for_stderr("count: #3 ", 20));  // items are flowing
    p.signal(sig);
    REQUIRE(p.wait(20));
    CHECK(p.result().exit_code == 0);
    CHECK(p.result().err.find("interrupted; stopping sources") != std::string::npos);
    CHECK(p.result().err.find("stopped on request") != std::string::npos);
  }
}

TEST_CASE("a second Ctrl-C exits at once with 130", "[cli][signal]") {
  TempDir dir;
  // Each item takes 5 s in the slow stage, so draining cannot finish in time.
  auto g = dir.write("endless.toml",
                     "[[node]]\nname = \"tone\"\nop = \"tone\"\ncount = 0\nduration = 0.01\n\n"
                     "[[node]]\nname = \"slow\"\nop = \"throttle\"\ndelay_ms = 5000.0\n\n"
                     "[[node]]\nname = \"count\"\nop = \"count\"\n\n"
                     "[[edge]]\nfrom = \"tone\"\nto = \"slow\"\n\n"
                     "[[edge]]\nfrom = \"slow\"\nto = \"count\"\n");
  BackgroundProcess p({avflow_program(), "run", g, "--metrics-every", "0.1"});
  // Wait until the first item is inside the slow stage (its metrics row shows
  // one item in), so that draining really has work left when we interrupt.
  char row[128];
  std::snprintf(row, sizeof row, "%-20s %-16s %-8s %10d ", "slow", "throttle", "function", 1);
  REQUIRE(p.wait_for_stderr(row, 20));
  p.signal(SIGINT);
  REQUIRE(p.wait_for_stderr("interrupted", 10));
  p.signal(SIGINT);
  REQUIRE(p.wait(10));
  CHECK(p.result().exit_code == 130);
  CHECK(p.result().err.find("second interrupt") != std::string::npos);
}
