// What open() learns from the run and tells other operators: a source may
// number its items from a resumed position, side values published by one node
// reach the nodes downstream of it, and `resume` and the checkpoint folder
// reach every operator.
#include <catch2/catch.hpp>

#include "engine/registry.h"
#include "tests/support/test_operators.h"

using namespace avflow;
using namespace avflow::test;

namespace {

// Emits `count` items whose value is their item number, numbered from
// `first`; publishes `steps` as the side value "steps" when `publish` is on.
class NumberedSource final : public Operator {
 public:
  static inline const Out<TestInt> kOut{"out", "item numbers"};
  static inline const Param<int64_t> kFirst{"first", 0, "first item number"};
  static inline const Param<int64_t> kCount{"count", 3, "items"};
  static inline const Param<int64_t> kSteps{"steps", 0, "side value to publish"};
  static inline const Param<bool> kPublish{"publish", false, "publish `steps`"};
  static inline const Param<int64_t> kRun{"run", 0, "0: number_items_from(first); else runs of this many"};
  static inline const Param<int64_t> kStride{"stride", 1, "stride between runs"};
  AVFLOW_CONTRACT(kOut, kFirst, kCount, kSteps, kPublish, kRun, kStride,
                  Publishes{.name = "steps", .doc = "a test number", .value_param = "steps", .when = "publish"});

  void open(Context& ctx) override {
    const auto first = static_cast<uint64_t>(ctx.param(kFirst));
    if (ctx.param(kRun) == 0) ctx.number_items_from(first);
    else ctx.number_items({first, static_cast<uint64_t>(ctx.param(kRun)), static_cast<uint64_t>(ctx.param(kStride))});
    if (ctx.param(kPublish)) ctx.publish("steps", ctx.param(kSteps));
  }
  void process(Context& ctx) override {
    ctx.emit(kOut, TestInt{static_cast<int64_t>(ctx.item())});
    if (++made_ == ctx.param(kCount)) ctx.end_of_stream();
  }

 private:
  int64_t made_ = 0;
};

// Records, per node: in open, `steps` or (when 0) the side value "steps"
// (-1: none), whether the run resumes (node + ".resuming") and whether it
// has a checkpoint folder; then the item number of every input.
class OpenProbe final : public Operator {
 public:
  static inline const In<TestInt> kIn{"in", "anything numbered"};
  static inline const Param<int64_t> kSteps{"steps", -1, "0: the side value upstream; -1: none"};
  AVFLOW_CONTRACT(kIn, kSteps, Reads{.name = "steps", .param = "steps", .doc = "a test number"});

  void open(Context& ctx) override {
    Recorder::add(ctx.node() + ".steps", ctx.param(kSteps) == 0 ? ctx.param_or_read(kSteps)
                                                                 : ctx.published("steps").value_or(-1));
    Recorder::add(ctx.node() + ".resuming", ctx.resuming() ? 1 : 0);
    Recorder::add(ctx.node() + ".checkpoints", ctx.checkpoints() == "runs/x/checkpoints" ? 1 : 0);
  }
  void process(Context& ctx) override { Recorder::add(ctx.node(), static_cast<int64_t>(ctx.item())); }
};

AVFLOW_REGISTER(NumberedSource, "test_numbered_source", "numbers items from `first`, publishes `steps` (test)");
AVFLOW_REGISTER(OpenProbe, "test_open_probe", "records side values, resume and item numbers (test)");

std::string graph(const std::string& source_params, const std::string& probe_params = "") {
  return "[[node]]\nname = \"src\"\nop = \"test_numbered_source\"\n" + source_params +
         "\n[[node]]\nname = \"probe\"\nop = \"test_open_probe\"\n" + probe_params + "\n"
         "[[edge]]\nfrom = \"src\"\nto = \"probe\"\n";
}

}  // namespace

TEST_CASE("a resumed source numbers its items from where it resumes", "[executor][resume]") {
  reset_test_state();
  RunResult r = run_text(graph("first = 40\ncount = 3"));
  REQUIRE(r.status == RunStatus::kFinished);
  CHECK(Recorder::values("probe") == std::vector<int64_t>{40, 41, 42});
  reset_test_state();
  REQUIRE(run_text(graph("count = 2")).status == RunStatus::kFinished);
  CHECK(Recorder::values("probe") == std::vector<int64_t>{0, 1});
}

TEST_CASE("a source may number its items in runs, as one rank's share of every global batch", "[executor][resume]") {
  reset_test_state();
  // Rank 1 of 2 with a global batch of 4 from step 3: slots 2 and 3 of
  // steps 3, 4 and 5 (items 14, 15, 18, 19, 22, 23 of one process).
  REQUIRE(run_text(graph("first = 14\ncount = 6\nrun = 2\nstride = 4")).status == RunStatus::kFinished);
  CHECK(Recorder::values("probe") == std::vector<int64_t>{14, 15, 18, 19, 22, 23});
  reset_test_state();
  const RunResult bad = run_text(graph("run = 4\nstride = 2"));
  REQUIRE(bad.status == RunStatus::kFailed);
  CHECK(bad.failures.at(0).str().find("item numbering needs 1 <= run <= stride, got run 4 and stride 2") !=
        std::string::npos);
}

TEST_CASE("a side value published in open reaches the nodes downstream of its publisher", "[executor][side_values]") {
  reset_test_state();
  REQUIRE(run_text(graph("steps = 16\npublish = true", "steps = 0")).status == RunStatus::kFinished);
  CHECK(Recorder::values("probe.steps") == std::vector<int64_t>{16});
  reset_test_state();
  REQUIRE(run_text(graph("")).status == RunStatus::kFinished);
  CHECK(Recorder::values("probe.steps") == std::vector<int64_t>{-1});
}

TEST_CASE("two publishers of one side value each reach only the nodes downstream of them", "[executor][side_values]") {
  reset_test_state();
  const std::string text = graph("steps = 16\npublish = true", "steps = 0") +
                           "[[node]]\nname = \"other\"\nop = \"test_numbered_source\"\nsteps = 8\npublish = true\n"
                           "[[node]]\nname = \"probe2\"\nop = \"test_open_probe\"\nsteps = 0\n"
                           "[[edge]]\nfrom = \"other\"\nto = \"probe2\"\n";
  REQUIRE(run_text(text).status == RunStatus::kFinished);
  CHECK(Recorder::values("probe.steps") == std::vector<int64_t>{16});
  CHECK(Recorder::values("probe2.steps") == std::vector<int64_t>{8});
}

TEST_CASE("the graph's checkpoint folder reaches every operator in open", "[executor][resume]") {
  reset_test_state();
  REQUIRE(run_text("[graph]\ncheckpoints = \"runs/x/checkpoints\"\n" + graph("")).status == RunStatus::kFinished);
  CHECK(Recorder::values("probe.checkpoints") == std::vector<int64_t>{1});
  reset_test_state();
  REQUIRE(run_text(graph(""), {"graph.checkpoints=runs/x/checkpoints"}).status == RunStatus::kFinished);
  CHECK(Recorder::values("probe.checkpoints") == std::vector<int64_t>{1});
  reset_test_state();
  REQUIRE(run_text(graph("")).status == RunStatus::kFinished);
  CHECK(Recorder::values("probe.checkpoints") == std::vector<int64_t>{0});
}

TEST_CASE("resume set for the run reaches every operator in open", "[executor][resume]") {
  reset_test_state();
  REQUIRE(run_text(graph("")).status == RunStatus::kFinished);
  CHECK(Recorder::values("probe.resuming") == std::vector<int64_t>{0});
  reset_test_state();
  REQUIRE(run_text(graph(""), {"graph.resume=true"}).status == RunStatus::kFinished);
  CHECK(Recorder::values("probe.resuming") == std::vector<int64_t>{1});
}
