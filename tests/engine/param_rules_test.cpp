// Rules across parameters and enum parameters, declared in a contract, are
// checked by validation before anything runs (each broken rule at the line
// of the value it names) and listed by `avflow ops`.
#include <catch2/catch.hpp>

#include "engine/describe.h"
#include "engine/registry.h"
#include "tests/support/test_operators.h"

using namespace avflow;
using namespace avflow::test;

namespace {

enum class Shade { kLight, kDark };

class RuledSource final : public Operator {
 public:
  static inline const Out<TestInt> kOut{"out", "numbers"};
  static inline const Param<std::string> kUri{"uri", "", "one input"};
  static inline const Param<std::string> kList{"list", "", "or a list of inputs"};
  static inline const Param<bool> kA{"a", true, "first switch"};
  static inline const Param<bool> kB{"b", true, "second switch"};
  static inline const Param<int64_t> kMin{"min", 1, "low end"};
  static inline const Param<int64_t> kMax{"max", 2, "high end"};
  static inline const EnumParam<Shade> kShade{"shade", Shade::kDark, {{"light", Shade::kLight}, {"dark", Shade::kDark}},
                                              "a shade"};
  AVFLOW_CONTRACT(kOut, kUri, kList, kA, kB, kMin, kMax, kShade, exactly_one_of(kUri, kList), at_least_one_of(kA, kB),
                  not_above(kMin, kMax));
  void open(Context& ctx) override { Recorder::add("shade", ctx.param(kShade) == Shade::kLight ? 1 : 2); }
  void process(Context& ctx) override { ctx.end_of_stream(); }
};

AVFLOW_REGISTER(RuledSource, "test_ruled_source", "declares rules across its parameters (test)");

std::string node(const std::string& params) {
  return "[[node]]\nname = \"src\"\nop = \"test_ruled_source\"\n" + params;
}

}  // namespace

TEST_CASE("each broken parameter rule is refused at the line of the value it names", "[validate][rules]") {
  auto ds = load_errors(node("uri = \"a.mp4\"\nlist = \"b.txt\"\n"));
  REQUIRE(ds.size() == 1);
  CHECK(ds[0].node == "src");
  CHECK(ds[0].where.line == 5);
  CHECK(ds[0].message == "parameter 'list' is set beside uri: set exactly one of uri and list");

  ds = load_errors(node(""));
  REQUIRE(ds.size() == 1);
  CHECK(ds[0].message == "sets neither uri nor list: set exactly one of them");

  ds = load_errors(node("uri = \"a.mp4\"\na = false\nb = false\n"));
  REQUIRE(ds.size() == 1);
  CHECK(ds[0].message == "a and b are both false: nothing to do; set a or b to true");

  ds = load_errors(node("uri = \"a.mp4\"\nmin = 5\nmax = 3\n"));
  REQUIRE(ds.size() == 1);
  CHECK(ds[0].where.line == 5);
  CHECK(ds[0].message == "parameter 'min' (5) must not exceed max (3)");

  CHECK(load_errors(node("uri = \"a.mp4\"\n")).empty());
}

TEST_CASE("an enum parameter takes the names of its table and reads as the enum", "[validate][rules][enum]") {
  auto ds = load_errors(node("uri = \"a.mp4\"\nshade = \"dim\"\n"));
  REQUIRE(ds.size() == 1);
  INFO(ds[0].message);
  CHECK(ds[0].message.find("parameter 'shade' value \"dim\" is not one of: light, dark") != std::string::npos);
  reset_test_state();
  REQUIRE(run_text(node("uri = \"a.mp4\"\nshade = \"light\"\n")).status == RunStatus::kFinished);
  reset_test_state();
  REQUIRE(run_text(node("uri = \"a.mp4\"\n")).status == RunStatus::kFinished);
  CHECK(Recorder::values("shade") == std::vector<int64_t>{2});
}

TEST_CASE("avflow ops lists an operator's rules", "[describe][rules]") {
  const std::string text = describe_operator(*Registry::global().find("test_ruled_source"));
  CHECK(text.find("Rules:\n  exactly one of uri and list is set\n  a or b is true\n  min <= max\n") !=
        std::string::npos);
  CHECK(text.find("type string, default \"dark\", one of light, dark") != std::string::npos);
}
