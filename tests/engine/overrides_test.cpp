// --set node.param=value: parsing, application, and errors located at
// <command line> (column = the 1-based index of the --set).
#include <algorithm>

#include <catch2/catch.hpp>

#include "tests/support/test_operators.h"

using namespace avflow;
using namespace avflow::test;

namespace {
const char* kGraph = R"([graph]
max_in_flight = 4

[[node]]
name = "src"
op = "test_counter"
count = 5

[[node]]
name = "p"
op = "test_params"
label = "file"

[[node]]
name = "out"
op = "test_collect"

[[edge]]
from = "src"
to = "p.in"

[[edge]]
from = "p"
to = "out"
)";

const ParamSet& params_of(const ResolvedGraph& g, const std::string& node) {
  return g.nodes[g.index_of(node)].params;
}
}  // namespace

TEST_CASE("parse_override reads TOML values and bare words", "[overrides]") {
  Override o = parse_override("src.count=16", 3);
  CHECK(o.node == "src");
  CHECK(o.param == "count");
  CHECK(std::get<int64_t>(o.value) == 16);
  CHECK(o.where.file == "<command line>");
  CHECK(o.where.column == 3);

  CHECK(std::get<double>(parse_override("a.b=0.5", 1).value) == 0.5);
  CHECK(std::get<bool>(parse_override("a.b=true", 1).value) == true);
  CHECK(std::get<std::string>(parse_override("a.b=\"x y\"", 1).value) == "x y");
  CHECK(std::get<std::vector<int64_t>>(parse_override("a.b=[1, 2]", 1).value) == std::vector<int64_t>{1, 2});
  // Not a TOML value: taken as a plain string.
  CHECK(std::get<std::string>(parse_override("a.b=uniform", 1).value) == "uniform");
  CHECK(std::get<std::string>(parse_override("a.b=data/x.toml", 1).value) == "data/x.toml");
  // Only the first '=' splits.
  CHECK(std::get<std::string>(parse_override("a.b=k=v", 1).value) == "k=v");
}

TEST_CASE("malformed --set arguments are refused at their index", "[overrides]") {
  auto ds = load_errors(kGraph, {"src.count=3", "src.count", "=3", "count=3", "src.=3"});
  INFO(joined(ds));
  REQUIRE(ds.size() == 4);
  CHECK(ds[0].message == "--set 'src.count': expected node.param=value");
  CHECK(ds[0].where.file == "<command line>");
  CHECK(ds[0].where.line == 0);
  CHECK(ds[0].where.column == 2);
  CHECK(ds[1].where.column == 3);
  CHECK(ds[1].message == "--set '=3': expected node.param=value (the left side needs a node and a parameter)");
  CHECK(ds[2].where.column == 4);
  CHECK(ds[2].message.find("--set 'count=3'") == 0);
  CHECK(ds[3].where.column == 5);
}

TEST_CASE("an override replaces a file value or adds a parameter", "[overrides]") {
  ResolvedGraph g = load_text(kGraph, {"src.count=3", "p.label=cli", "p.mode=exact", "p.rate=1", "graph.max_in_flight=2",
                                       "graph.name=from-cli"});
  CHECK(std::get<int64_t>(params_of(g, "src").raw("count")) == 3);
  CHECK(std::get<std::string>(params_of(g, "p").raw("label")) == "cli");
  CHECK(std::get<std::string>(params_of(g, "p").raw("mode")) == "exact");
  CHECK(std::get<double>(params_of(g, "p").raw("rate")) == 1.0);
  CHECK(g.settings.max_in_flight == 2);
  CHECK(g.settings.name == "from-cli");

  reset_test_state();
  RunResult r = run_text(kGraph, {"src.count=3"});
  REQUIRE(r.status == RunStatus::kFinished);
  auto got = Recorder::values("out");
  std::sort(got.begin(), got.end());
  CHECK(got == std::vector<int64_t>{0, 1, 2});
}

TEST_CASE("the last override of a parameter wins", "[overrides]") {
  ResolvedGraph g = load_text(kGraph, {"src.count=3", "src.count=7"});
  CHECK(std::get<int64_t>(params_of(g, "src").raw("count")) == 7);
}

TEST_CASE("an override of an unknown node suggests the closest", "[overrides]") {
  auto ds = load_errors(kGraph, {"src.count=3", "scr.count=3"});
  INFO(joined(ds));
  REQUIRE(ds.size() == 1);
  CHECK(ds[0].message == "--set scr.count: no node named 'scr' in the graph (did you mean 'src'?)");
  CHECK(ds[0].where.file == "<command line>");
  CHECK(ds[0].where.column == 2);
  CHECK(ds[0].str() == "<command line>: error: --set scr.count: no node named 'scr' in the graph (did you mean 'src'?)");
}

TEST_CASE("an override value of the wrong type is located at the command line", "[overrides]") {
  auto ds = load_errors(kGraph, {"p.size=2", "src.count=many"});
  INFO(joined(ds));
  REQUIRE(ds.size() == 1);
  CHECK(ds[0].node == "src");
  CHECK(ds[0].message == "parameter 'count' expects int, got a string \"many\"");
  CHECK(ds[0].where.file == "<command line>");
  CHECK(ds[0].where.column == 2);
}

TEST_CASE("an override out of range or of an unknown parameter is located at the command line", "[overrides]") {
  auto ds = load_errors(kGraph, {"p.size=99", "p.sise=3"});
  INFO(joined(ds));
  REQUIRE(ds.size() == 2);
  const Diagnostic* range = find_diagnostic(ds, "parameter 'size' value 99 is out of range [1, 10]");
  REQUIRE(range);
  CHECK(range->where.file == "<command line>");
  CHECK(range->where.column == 1);
  CHECK(range->node == "p");
  const Diagnostic* unknown = find_diagnostic(ds, "unknown parameter 'sise' for operator 'test_params' (did you mean 'size'?)");
  REQUIRE(unknown);
  CHECK(unknown->where.file == "<command line>");
  CHECK(unknown->where.column == 2);
}

TEST_CASE("bad graph settings from the command line are refused", "[overrides]") {
  auto ds = load_errors(kGraph, {"graph.max_in_flight=0", "graph.colour=red", "graph.max_in_flight=2000000"});
  INFO(joined(ds));
  REQUIRE(ds.size() == 3);
  CHECK(ds[0].message ==
        "--set graph.max_in_flight: settable graph keys are max_in_flight (integer in [1, 1000000]), name, checkpoints (a folder) and resume (true or false)");
  CHECK(ds[0].where.column == 1);
  CHECK(ds[1].message.find("--set graph.colour:") == 0);
  CHECK(ds[1].where.column == 2);
  CHECK(ds[2].message.find("--set graph.max_in_flight:") == 0);  // the same bound as in a file
  CHECK(ds[2].where.column == 3);
}
