// Parameter values checked against their declarations: type, range, choices,
// required parameters, and the conversions that are allowed (int -> float).
#include <catch2/catch.hpp>

#include "tests/support/test_operators.h"

using namespace avflow;
using namespace avflow::test;

namespace {

// A graph around one test_params node whose parameter lines start at line 8.
std::string params_graph(const std::string& params) {
  return R"([[node]]
name = "src"
op = "test_counter"

[[node]]
name = "p"
op = "test_params"
)" + params + R"(

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
}

// The single diagnostic of a graph with the given parameter lines.
Diagnostic only_error(const std::string& params) {
  auto ds = load_errors(params_graph(params));
  INFO(joined(ds));
  REQUIRE(ds.size() == 1);
  return ds[0];
}

}  // namespace

TEST_CASE("a valid parameter set loads and resolves every declared parameter", "[validate][params]") {
  ResolvedGraph g = load_text(params_graph(R"(label = "x"
size = 10
rate = 1
flag = true
mode = "exact"
sizes = [0, 100]
weights = [1, 2.5]
tags = []
)"));
  const ParamSet& ps = g.nodes[g.index_of("p")].params;
  CHECK(std::get<std::string>(ps.raw("label")) == "x");
  CHECK(std::get<int64_t>(ps.raw("size")) == 10);
  // An integer where a float is declared becomes a float.
  CHECK(std::get<double>(ps.raw("rate")) == 1.0);
  CHECK(std::get<bool>(ps.raw("flag")) == true);
  CHECK(std::get<std::string>(ps.raw("mode")) == "exact");
  CHECK(std::get<std::vector<int64_t>>(ps.raw("sizes")) == std::vector<int64_t>{0, 100});
  CHECK(std::get<std::vector<double>>(ps.raw("weights")) == std::vector<double>{1.0, 2.5});
  CHECK(std::get<std::vector<std::string>>(ps.raw("tags")).empty());
  // Defaults fill the rest.
  CHECK(std::get<double>(ps.raw("gain")) == 1.0);
  CHECK(ps.all().size() == 9);
}

TEST_CASE("a required parameter left out is reported at its node", "[validate][params]") {
  Diagnostic d = only_error("size = 2");
  CHECK(d.node == "p");
  CHECK(d.message == "required parameter 'label' is not set (a label that must be given)");
  CHECK(d.where.line == 5);
  CHECK(d.where.column == 1);
}

TEST_CASE("a value of the wrong type names the expected and given types", "[validate][params]") {
  SECTION("string for int") {
    Diagnostic d = only_error("label = \"x\"\nsize = \"big\"");
    CHECK(d.node == "p");
    CHECK(d.message == "parameter 'size' expects int, got a string \"big\"");
    CHECK(d.where.line == 9);
    CHECK(d.where.column == 8);
  }
  SECTION("float for int") {
    Diagnostic d = only_error("label = \"x\"\nsize = 2.5");
    CHECK(d.message == "parameter 'size' expects int, got a float 2.5");
    CHECK(d.where.line == 9);
  }
  SECTION("int for bool") {
    Diagnostic d = only_error("label = \"x\"\nflag = 1");
    CHECK(d.message == "parameter 'flag' expects bool, got an integer 1");
    CHECK(d.where.line == 9);
  }
  SECTION("string for float") {
    Diagnostic d = only_error("label = \"x\"\nrate = \"half\"");
    CHECK(d.message == "parameter 'rate' expects float, got a string \"half\"");
    CHECK(d.where.line == 9);
  }
  SECTION("strings for an int list") {
    Diagnostic d = only_error("label = \"x\"\nsizes = [\"a\"]");
    CHECK(d.message == "parameter 'sizes' expects int list, got a list of strings [\"a\"]");
    CHECK(d.where.line == 9);
  }
  SECTION("int for string") {
    Diagnostic d = only_error("label = 3");
    CHECK(d.message == "parameter 'label' expects string, got an integer 3");
    CHECK(d.where.line == 8);
    CHECK(d.where.column == 9);
  }
}

TEST_CASE("values out of range name the range", "[validate][params]") {
  SECTION("int above max") {
    Diagnostic d = only_error("label = \"x\"\nsize = 11");
    CHECK(d.message == "parameter 'size' value 11 is out of range [1, 10]");
    CHECK(d.where.line == 9);
    CHECK(d.where.column == 8);
  }
  SECTION("int below min") {
    Diagnostic d = only_error("label = \"x\"\nsize = 0");
    CHECK(d.message == "parameter 'size' value 0 is out of range [1, 10]");
    CHECK(d.where.line == 9);
  }
  SECTION("float above max") {
    Diagnostic d = only_error("label = \"x\"\nrate = 1.5");
    CHECK(d.message == "parameter 'rate' value 1.5 is out of range [0.0, 1.0]");
    CHECK(d.where.line == 9);
  }
  SECTION("float below a lower bound") {
    Diagnostic d = only_error("label = \"x\"\ngain = 0.25");
    CHECK(d.message == "parameter 'gain' value 0.25 is out of range >= 0.5");
    CHECK(d.where.line == 9);
  }
  SECTION("nan") {
    Diagnostic d = only_error("label = \"x\"\nrate = nan");
    CHECK(d.message.find("parameter 'rate' value nan is out of range") == 0);
    CHECK(d.where.line == 9);
  }
  SECTION("an element of a list") {
    Diagnostic d = only_error("label = \"x\"\nsizes = [5, 200]");
    // Integers are shown as integers, in the value as in the range.
    CHECK(d.message == "parameter 'sizes' element 200 is out of range [0, 100]");
    CHECK(d.where.line == 9);
  }
  SECTION("a negative element of an int list") {
    Diagnostic d = only_error("label = \"x\"\nweights = [1, 2.5]\nsizes = [-1]");
    CHECK(d.message == "parameter 'sizes' element -1 is out of range [0, 100]");
    CHECK(d.where.line == 10);
  }
  SECTION("bounds are inclusive") {
    CHECK(load_errors(params_graph("label = \"x\"\nsize = 1\nrate = 0.0\ngain = 0.5")).empty());
  }
}

TEST_CASE("a string outside its choices lists them and suggests one", "[validate][params]") {
  Diagnostic d = only_error("label = \"x\"\nmode = \"fats\"");
  CHECK(d.node == "p");
  CHECK(d.message == "parameter 'mode' value \"fats\" is not one of: fast, exact (did you mean 'fast'?)");
  CHECK(d.where.line == 9);
  CHECK(d.where.column == 8);
}

TEST_CASE("every bad parameter of a node is reported", "[validate][params]") {
  auto ds = load_errors(params_graph("label = \"x\"\nsize = 0\nrate = 2.0\nmode = \"slow\""));
  INFO(joined(ds));
  REQUIRE(ds.size() == 3);
  for (const auto& d : ds) CHECK(d.node == "p");
  const Diagnostic* size = find_diagnostic(ds, "parameter 'size' value 0 is out of range [1, 10]");
  REQUIRE(size);
  CHECK(size->where.line == 9);
  const Diagnostic* rate = find_diagnostic(ds, "parameter 'rate' value 2.0 is out of range [0.0, 1.0]");
  REQUIRE(rate);
  CHECK(rate->where.line == 10);
  const Diagnostic* mode = find_diagnostic(ds, "parameter 'mode' value \"slow\" is not one of: fast, exact");
  REQUIRE(mode);
  CHECK(mode->where.line == 11);
}

TEST_CASE("check_param converts and refuses like validation", "[params]") {
  const ParamSpec& rate = *Registry::global().find("test_params")->contract.param("rate");
  ParamValue out;
  CHECK(check_param(rate, ParamValue(int64_t{1}), out).empty());
  CHECK(std::get<double>(out) == 1.0);
  CHECK(check_param(rate, ParamValue(-0.5), out) == "value -0.5 is out of range [0.0, 1.0]");
  CHECK(range_text(rate) == "[0.0, 1.0]");
  const ParamSpec& size = *Registry::global().find("test_params")->contract.param("size");
  CHECK(range_text(size) == "[1, 10]");
  CHECK(format_value(ParamValue(std::vector<std::string>{"a", "b"})) == "[\"a\", \"b\"]");
  CHECK(format_value(ParamValue(2.0)) == "2.0");
}
