// What open() learns from the run and tells other operators: a source may
// number its items from a resumed position, side values published by one node
// reach nodes opened after it, and `resume` reaches every operator.
#include <catch2/catch.hpp>

#include "engine/registry.h"
#include "tests/support/test_operators.h"

using namespace avflow;
using namespace avflow::test;

namespace {

// Emits `count` items whose value is their item number, numbered from
// `first`; publishes `steps` as the side value "steps" when it is not -1.
class NumberedSource final : public Operator {
 public:
  static inline const Out<TestInt> kOut{"out", "item numbers"};
  static inline const Param<int64_t> kFirst{"first", 0, "first item number"};
  static inline const Param<int64_t> kCount{"count", 3, "items"};
  static inline const Param<int64_t> kSteps{"steps", -1, "side value to publish; -1: none"};
  static inline const Param<int64_t> kRun{"run", 0, "0: number_items_from(first); else runs of this many"};
  static inline const Param<int64_t> kStride{"stride", 1, "stride between runs"};
  AVFLOW_CONTRACT(kOut, kFirst, kCount, kSteps, kRun, kStride);

  void open(Context& ctx) override {
    const auto first = static_cast<uint64_t>(ctx.param(kFirst));
    if (ctx.param(kRun) == 0) ctx.number_items_from(first);
    else ctx.number_items({first, static_cast<uint64_t>(ctx.param(kRun)), static_cast<uint64_t>(ctx.param(kStride))});
    if (ctx.param(kSteps) >= 0) ctx.publish("steps", ctx.param(kSteps));
  }
  void process(Context& ctx) override {
    ctx.emit(kOut, TestInt{static_cast<int64_t>(ctx.item())});
    if (++made_ == ctx.param(kCount)) ctx.end_of_stream();
  }

 private:
  int64_t made_ = 0;
};

// Records, per node: in open, the side value "steps" (-1: none) and whether
// the run resumes (node + ".resuming"); then the item number of every input.
class OpenProbe final : public Operator {
 public:
  static inline const In<TestInt> kIn{"in", "anything numbered"};
  AVFLOW_CONTRACT(kIn);

  void open(Context& ctx) override {
    Recorder::add(ctx.node() + ".steps", ctx.published("steps").value_or(-1));
    Recorder::add(ctx.node() + ".resuming", ctx.resuming() ? 1 : 0);
  }
  void process(Context& ctx) override { Recorder::add(ctx.node(), static_cast<int64_t>(ctx.item())); }
};

AVFLOW_REGISTER(NumberedSource, "test_numbered_source", "numbers items from `first`, publishes `steps` (test)");
AVFLOW_REGISTER(OpenProbe, "test_open_probe", "records side values, resume and item numbers (test)");

std::string graph(const std::string& source_params) {
  return "[[node]]\nname = \"src\"\nop = \"test_numbered_source\"\n" + source_params +
         "\n[[node]]\nname = \"probe\"\nop = \"test_open_probe\"\n"
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

TEST_CASE("a side value published in open reaches nodes opened after it", "[executor][side_values]") {
  reset_test_state();
  REQUIRE(run_text(graph("steps = 16")).status == RunStatus::kFinished);
  CHECK(Recorder::values("probe.steps") == std::vector<int64_t>{16});
  reset_test_state();
  REQUIRE(run_text(graph("")).status == RunStatus::kFinished);
  CHECK(Recorder::values("probe.steps") == std::vector<int64_t>{-1});
}

TEST_CASE("two nodes publishing one side value differently fail the run naming both", "[executor][side_values]") {
  reset_test_state();
  const std::string text = graph("steps = 16") +
                           "[[node]]\nname = \"other\"\nop = \"test_numbered_source\"\nsteps = 8\n"
                           "[[node]]\nname = \"probe2\"\nop = \"test_open_probe\"\n"
                           "[[edge]]\nfrom = \"other\"\nto = \"probe2\"\n";
  RunResult r = run_text(text);
  REQUIRE(r.status == RunStatus::kFailed);
  REQUIRE_FALSE(r.failures.empty());
  const std::string msg = r.failures[0].str();
  INFO(msg);
  CHECK(msg.find("failed in open") != std::string::npos);
  CHECK(msg.find("side value 'steps'") != std::string::npos);
  // Whichever source opened second names the first.
  CHECK((msg.find("published by node 'src'") != std::string::npos ||
         msg.find("published by node 'other'") != std::string::npos));
}

TEST_CASE("resume set for the run reaches every operator in open", "[executor][resume]") {
  reset_test_state();
  REQUIRE(run_text(graph("")).status == RunStatus::kFinished);
  CHECK(Recorder::values("probe.resuming") == std::vector<int64_t>{0});
  reset_test_state();
  REQUIRE(run_text(graph(""), {"graph.resume=true"}).status == RunStatus::kFinished);
  CHECK(Recorder::values("probe.resuming") == std::vector<int64_t>{1});
}
