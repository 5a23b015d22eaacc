#include <catch2/catch.hpp>

#include "engine/payloads/tensor.h"
#include "tests/operators/run_graph.h"
#include "tests/support/capture_sink.h"

using namespace avflow;
using namespace avflow::test;

TEST_CASE("throttle forwards the very same packets, in order for a serial stage", "[throttle]") {
  auto r = run_graph_text(node_toml("tone", "tone", "count = 5\nduration = 0.01") +
                          node_toml("slow", "throttle", "delay_ms = 1.0") + node_toml("cap", "test_capture") +
                          edge_toml("tone", "slow") + edge_toml("slow", "cap"));
  REQUIRE(r.status == RunStatus::kFinished);
  auto out = Captured::instance().take("cap");
  REQUIRE(out.size() == 5);
  CHECK(r.metrics.find("slow")->busy_seconds >= 0.005);
  for (const auto& p : out) CHECK(p.holds<Tensor>());
}
