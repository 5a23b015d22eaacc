#include <catch2/catch.hpp>

#include "tests/operators/run_graph.h"

using namespace avflow;
using namespace avflow::test;

namespace {
std::string graph(int items, int expect) {
  return node_toml("tone", "tone", "count = " + std::to_string(items) + "\nduration = 0.01") +
         node_toml("count", "count", "expect = " + std::to_string(expect)) + edge_toml("tone", "count");
}
}  // namespace

TEST_CASE("count accepts any payload and checks the expected total", "[count]") {
  CHECK(run_graph_text(graph(6, 6)).status == RunStatus::kFinished);
  CHECK(run_graph_text(graph(6, -1)).status == RunStatus::kFinished);
  auto bad = run_graph_text(graph(6, 5));
  REQUIRE(bad.status == RunStatus::kFailed);
  CHECK(bad.failures[0].node == "count");
  CHECK(bad.failures[0].phase == "finish");
  CHECK(bad.failures[0].message == "expected 5 items, counted 6");
}
