// Metrics snapshots carry the latest row each node emitted on a Scalars
// port (what the status endpoint serves as a node's latest scalars).
#include <catch2/catch.hpp>

#include "engine/payloads/scalars.h"
#include "engine/registry.h"
#include "tests/support/test_operators.h"

using namespace avflow;
using namespace avflow::test;

namespace {

// One row per input: step = the value, x = value / 2.
class TestRows final : public Operator {
 public:
  static inline const In<TestInt> kIn{"in", "integers"};
  static inline const Out<Scalars> kRows{"rows", "a row per integer"};
  static inline const Out<TestInt> kSame{"same", "the integer again"};
  AVFLOW_CONTRACT(kIn, kRows, kSame);
  void process(Context& ctx) override {
    const int64_t v = ctx.input(kIn).v;
    ctx.emit(kRows, Scalars{v, {{"x", static_cast<double>(v) / 2}, {"y", 1.0}}});
    ctx.emit(kSame, TestInt{v});
  }
};
AVFLOW_REGISTER(TestRows, "test_scalar_rows", "a Scalars row per integer (latest-scalars test)");

}  // namespace

TEST_CASE("a metrics snapshot holds the latest row a node emitted on a Scalars port", "[executor][metrics]") {
  reset_test_state();
  RunResult r = run_text(R"(
[[node]]
name = "src"
op = "test_counter"
count = 8

[[node]]
name = "rows"
op = "test_scalar_rows"

[[node]]
name = "sink"
op = "test_any_sink"

[[node]]
name = "sink2"
op = "test_slow_sink"

[[edge]]
from = "src"
to = "rows"

[[edge]]
from = "rows.rows"
to = "sink"

[[edge]]
from = "rows.same"
to = "sink2"
)");
  REQUIRE(r.status == RunStatus::kFinished);
  const NodeMetrics* rows = r.metrics.find("rows");
  REQUIRE(rows != nullptr);
  CHECK(rows->scalars_step == 7);
  REQUIRE(rows->scalars.size() == 2);
  CHECK(rows->scalars[0].first == "x");
  CHECK(rows->scalars[0].second == 3.5);
  // Nodes without a Scalars port have none.
  const NodeMetrics* src = r.metrics.find("src");
  REQUIRE(src != nullptr);
  CHECK(src->scalars_step == -1);
  CHECK(src->scalars.empty());
}
