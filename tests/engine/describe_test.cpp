// Self-description read from the contracts: describe_operator (`avflow ops
// NAME`), list_operators (`avflow ops`), the Markdown reference and
// graph_to_dot (`avflow dot`).
#include <catch2/catch.hpp>

#include "engine/describe.h"
#include "tests/support/test_operators.h"

using namespace avflow;
using namespace avflow::test;

namespace {
bool contains(const std::string& text, const std::string& part) { return text.find(part) != std::string::npos; }
}  // namespace

TEST_CASE("describe_operator lists ports, parameters, defaults and ranges", "[describe]") {
  const OperatorInfo* op = Registry::global().find("test_params");
  REQUIRE(op);
  std::string d = describe_operator(*op);
  INFO(d);
  CHECK(d.find("test_params - declares one parameter of every kind (test)") == 0);
  CHECK(contains(d, "shape:   multi, serial"));
  CHECK(contains(d, "origin:  built-in"));
  CHECK(contains(d, "Inputs:\n  in <test_int>  numbers in\n  side <test_int> (optional)  an optional second input\n"));
  CHECK(contains(d, "Outputs:\n  out <test_int>  numbers out\n"));
  CHECK(contains(d, "  label\n      a label that must be given\n      type string, default (required)\n"));
  CHECK(contains(d, "  size\n      a bounded integer\n      type int, default 3, range [1, 10]\n"));
  CHECK(contains(d, "      type float, default 0.5, range [0.0, 1.0]\n"));
  CHECK(contains(d, "      type float, default 1.0, >= 0.5\n"));
  CHECK(contains(d, "      type bool, default false\n"));
  CHECK(contains(d, "      type string, default \"fast\", one of fast, exact\n"));
  CHECK(contains(d, "      type int list, default [1, 2], range [0, 100]\n"));
  CHECK(contains(d, "      type string list, default []\n"));
}

TEST_CASE("describe_operator shows traits and the absence of ports", "[describe]") {
  std::string src = describe_operator(*Registry::global().find("test_counter"));
  CHECK(contains(src, "shape:   source, serial"));
  CHECK(contains(src, "Inputs:\n  (none)\n"));
  CHECK(contains(src, "  out <test_int>  0, 1, 2, ...\n"));
  CHECK(contains(src, "type int, default 10, >= -1"));

  std::string drop = describe_operator(*Registry::global().find("test_slow_drop_sink"));
  CHECK(contains(drop, "shape:   sink, serial, drops queued items on cancel"));
  CHECK(contains(drop, "Outputs:\n  (none)\n"));

  std::string any = describe_operator(*Registry::global().find("test_any_sink"));
  CHECK(contains(any, "in <any>"));
  CHECK(contains(any, "Parameters:\n  (none)\n"));

  std::string fn = describe_operator(*Registry::global().find("test_double"));
  CHECK(contains(fn, "shape:   function, serial"));
}

TEST_CASE("list_operators names every operator with its shape and doc", "[describe]") {
  std::string list = list_operators(Registry::global());
  for (const auto& name : Registry::global().names()) CHECK(contains(list, name));
  CHECK(contains(list, "test_counter"));
  CHECK(contains(list, "emits 0..count-1 (test)"));
  // One line per operator, sorted by name.
  auto at = [&](const std::string& s) { return list.find(s + " "); };
  CHECK(at("test_collect") < at("test_counter"));
  CHECK(at("test_counter") < at("test_double"));
  size_t line_start = list.rfind('\n', at("test_split")) + 1;
  std::string line = list.substr(line_start, list.find('\n', line_start) - line_start);
  CHECK(contains(line, "multi"));
  CHECK(contains(line, "routes numbers by parity (test)"));
}

TEST_CASE("the Markdown reference has a section and tables per operator", "[describe]") {
  std::string md = operators_markdown(Registry::global());
  CHECK(contains(md, "## test_params\n\ndeclares one parameter of every kind (test)\n"));
  CHECK(contains(md, "| `side` (optional) | test_int | an optional second input |"));
  CHECK(contains(md, "| `size` | int | `3` | range [1, 10] | a bounded integer |"));
  CHECK(contains(md, "| `label` | string | `(required)` |  | a label that must be given |"));
}

TEST_CASE("graph_to_dot draws nodes, operators, ports and payload types", "[describe]") {
  const char* text = R"([graph]
name = "demo \"graph\""

[[node]]
name = "src"
op = "test_counter"

[[node]]
name = "split"
op = "test_split"

[[node]]
name = "evens"
op = "test_collect"

[[edge]]
from = "src"
to = "split"

[[edge]]
from = "split.even"
to = "evens"
)";
  std::string dot = graph_to_dot(load_text(text));
  INFO(dot);
  CHECK(dot.find("digraph \"demo \\\"graph\\\"\" {") == 0);
  CHECK(contains(dot, "\"src\" [label=\"src\\n(test_counter)\", shape=cds];"));
  CHECK(contains(dot, "\"split\" [label=\"split\\n(test_split)\"];"));
  CHECK(contains(dot, "\"evens\" [label=\"evens\\n(test_collect)\", shape=box3d];"));
  CHECK(contains(dot, "\"src\" -> \"split\" [label=\"out -> in\\n<test_int>\"];"));
  CHECK(contains(dot, "\"split\" -> \"evens\" [label=\"even -> in\\n<test_int>\"];"));
  CHECK(dot.substr(dot.size() - 2) == "}\n");
}

TEST_CASE("avflow ops and the Markdown reference list extensions by kind, with their origin", "[describe][extension]") {
  Registry r;
  r.add_extension({"policy", "zeta", "the last one", "/x/libzeta.so", std::make_shared<const int>(2),
                   std::type_index(typeid(int))});
  r.add_extension({"policy", "alpha", "the first one", "built-in", std::make_shared<const int>(1),
                   std::type_index(typeid(int))});
  const std::string list = list_operators(r);
  INFO(list);
  CHECK(contains(list, "policy (extensions, picked by name in a parameter):\n  alpha "));
  CHECK(contains(list, "the first one\n  zeta "));
  CHECK(contains(list, "the last one  [/x/libzeta.so]\n"));
  const std::string md = operators_markdown(r);
  CHECK(contains(md, "## Extensions: policy\n\n| name | doc |\n|---|---|\n| `alpha` | the first one |\n| `zeta` | the last one |\n"));
}
