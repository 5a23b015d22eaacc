// Side values declared in contracts are checked before anything runs: a
// reader without a publisher upstream, a reader set to a number its publisher
// contradicts, and two publishers upstream of one reader are refused with the
// reader's FILE:LINE; `avflow dot` draws each side value as a dashed edge.
#include <catch2/catch.hpp>

#include "engine/describe.h"
#include "engine/registry.h"
#include "tests/support/test_operators.h"

using namespace avflow;
using namespace avflow::test;

namespace {

class StepSource final : public Operator {
 public:
  static inline const Out<TestInt> kOut{"out", "numbers"};
  static inline const Param<int64_t> kSteps{"steps", 16, "the side value"};
  AVFLOW_CONTRACT(kOut, kSteps, Publishes{.name = "steps", .doc = "a test number", .value_param = "steps"});
  void open(Context& ctx) override { ctx.publish("steps", ctx.param(kSteps)); }
  void process(Context& ctx) override { ctx.end_of_stream(); }
};

class StepReader final : public Operator {
 public:
  static inline const In<TestInt> kA{"a", "numbers"};
  static inline const In<TestInt> kB{"b", kOptional, "numbers"};
  static inline const Param<int64_t> kSteps{"steps", 0, "0: the side value"};
  AVFLOW_CONTRACT(kA, kB, kSteps, Reads{.name = "steps", .param = "steps", .port = "a", .doc = "a test number"});
  void process(Context&) override {}
};

AVFLOW_REGISTER(StepSource, "test_step_source", "publishes steps (test)");
AVFLOW_REGISTER(StepReader, "test_step_reader", "reads steps upstream of input a (test)");

const std::string kSource = "[[node]]\nname = \"src\"\nop = \"test_step_source\"\n";
const std::string kOther = "[[node]]\nname = \"other\"\nop = \"test_step_source\"\n";
const std::string kReader = "[[node]]\nname = \"reader\"\nop = \"test_step_reader\"\n";

std::string only_message(const std::vector<Diagnostic>& ds) {
  REQUIRE(ds.size() == 1);
  CHECK(ds[0].node == "reader");
  return ds[0].message;
}

}  // namespace

TEST_CASE("a reader whose input has no publisher upstream is refused by check", "[validate][side_values]") {
  // src feeds input b; the contract reads steps upstream of a only.
  const auto ds = load_errors(kSource + kOther + kReader +
                              "[[edge]]\nfrom = \"src\"\nto = \"reader.b\"\n"
                              "[[edge]]\nfrom = \"other\"\nto = \"reader.a\"\n");
  CHECK(ds.empty());  // other publishes upstream of a
  // Now a is fed by a plain counter (through a doubler): nothing upstream of a publishes.
  const auto refused = load_errors(kSource + kReader + "[[edge]]\nfrom = \"src\"\nto = \"reader.b\"\n" +
                                   "[[node]]\nname = \"count\"\nop = \"test_counter\"\n"
                                   "[[node]]\nname = \"twice\"\nop = \"test_double\"\n"
                                   "[[edge]]\nfrom = \"count\"\nto = \"twice\"\n"
                                   "[[edge]]\nfrom = \"twice\"\nto = \"reader.a\"\n");
  const std::string msg = only_message(refused);
  const bool found = msg == "parameter 'steps' = 0 reads side value 'steps', but no node upstream of input 'a' "
                            "publishes it; set steps or connect a node that publishes it";
  INFO(msg);
  CHECK(found);
}

TEST_CASE("a reader set to a number its publisher's parameters contradict is refused at its line",
          "[validate][side_values]") {
  const auto ds = load_errors(kSource + "steps = 16\n" + kReader + "steps = 12\n" +
                              "[[edge]]\nfrom = \"src\"\nto = \"reader.a\"\n");
  const std::string msg = only_message(ds);
  CHECK(msg == "parameter 'steps' = 12 contradicts src.steps = 16 (its steps); set steps = 0 to take it");
  CHECK(ds[0].where.line == 8);
  CHECK(load_errors(kSource + "steps = 16\n" + kReader + "steps = 16\n" +
                    "[[edge]]\nfrom = \"src\"\nto = \"reader.a\"\n").empty());
}

TEST_CASE("two publishers upstream of one reader are refused", "[validate][side_values]") {
  const auto ds = load_errors(kSource + kOther + kReader +
                              "[[edge]]\nfrom = \"src\"\nto = \"reader.a\"\n"
                              "[[edge]]\nfrom = \"other\"\nto = \"reader.a\"\n");
  const std::string msg = only_message(ds);
  CHECK(msg.find("reads side value 'steps', which several nodes upstream of input 'a' publish ('") !=
        std::string::npos);
}

TEST_CASE("dot draws a side value as a dashed edge from its publisher to its reader", "[validate][side_values][dot]") {
  const ResolvedGraph g = load_text(kSource + kReader + "[[edge]]\nfrom = \"src\"\nto = \"reader.a\"\n");
  CHECK(graph_to_dot(g).find("\"src\" -> \"reader\" [style=dashed, label=\"steps\"]") != std::string::npos);
}
