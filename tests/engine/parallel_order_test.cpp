// kParallel operators run concurrently but hand their results on in input
// order, so batches downstream hold what a sampler grouped and a run gives
// the same batches whatever the thread timing.
#include <catch2/catch.hpp>

#include "tests/support/test_operators.h"

using namespace avflow;
using namespace avflow::test;

namespace {

std::string node(const std::string& name, const std::string& op, const std::string& params = "") {
  return "[[node]]\nname = \"" + name + "\"\nop = \"" + op + "\"\n" + params + "\n";
}
std::string edge(const std::string& from, const std::string& to) {
  return "[[edge]]\nfrom = \"" + from + "\"\nto = \"" + to + "\"\n";
}

RunResult run_ok(const std::string& toml) {
  reset_test_state();
  RunResult r = run_text(toml);
  INFO((r.failures.empty() ? std::string() : r.failures[0].str()));
  REQUIRE(r.status == RunStatus::kFinished);
  return r;
}

}  // namespace

TEST_CASE("a kParallel function hands results on in input order", "[executor][parallel][order]") {
  RunResult r = run_ok("[graph]\nmax_in_flight = 16\n" + node("src", "test_counter", "count = 600") +
                       node("par", "test_parallel_double", "meet = 2\njitter_us = 400") + node("out", "test_collect") +
                       edge("src", "par") + edge("par", "out"));
  CHECK(r.metrics.find("par")->items_out == 600);
  CHECK(parallel_max_active() >= 2);
  const auto got = Recorder::values("out");  // as delivered, not sorted afterwards
  REQUIRE(got.size() == 600);
  for (int64_t i = 0; i < 600; ++i) CHECK(got[i] == 2 * i);
}

TEST_CASE("items a kParallel function filters out leave no gap in the order", "[executor][parallel][order]") {
  run_ok("[graph]\nmax_in_flight = 8\n" + node("src", "test_counter", "count = 400") +
         node("par", "test_parallel_double", "meet = 1\njitter_us = 300\nskip_odd = true") +
         node("out", "test_collect") + edge("src", "par") + edge("par", "out"));
  std::vector<int64_t> want;
  for (int64_t i = 0; i < 400; i += 2) want.push_back(2 * i);
  CHECK(Recorder::values("out") == want);
}

TEST_CASE("a kParallel multi-output operator keeps input order on every port", "[executor][parallel][order]") {
  run_ok("[graph]\nmax_in_flight = 16\n" + node("src", "test_counter", "count = 300") +
         node("split", "test_parallel_split", "jitter_us = 400") + node("evens", "test_collect") +
         node("odds", "test_collect") + edge("src", "split") + edge("split.even", "evens") +
         edge("split.odd", "odds"));
  std::vector<int64_t> evens, odds;
  for (int64_t v = 0; v < 300; ++v) {
    (v % 2 == 0 ? evens : odds).push_back(v);
    if (v % 3 == 0) odds.push_back(-v);
  }
  CHECK(Recorder::values("evens") == evens);
  CHECK(Recorder::values("odds") == odds);
}

TEST_CASE("chained kParallel functions behind a multi-output source keep its order", "[executor][parallel][order]") {
  run_ok("[graph]\nmax_in_flight = 16\n" + node("src", "test_two_out_source", "count = 400") +
         node("a", "test_parallel_double", "meet = 1\njitter_us = 200") +
         node("b", "test_parallel_double", "meet = 1\njitter_us = 200") + node("out", "test_collect") +
         edge("src.evens", "a") + edge("a", "b") + edge("b", "out"));
  std::vector<int64_t> want;
  for (int64_t v = 0; v < 400; v += 2) want.push_back(4 * v);
  CHECK(Recorder::values("out") == want);
}
