// Edges that name a port or node that does not exist, a port in the wrong
// direction, or leave the port out where a node has several.
#include <catch2/catch.hpp>

#include "tests/support/test_operators.h"

using namespace avflow;
using namespace avflow::test;

namespace {
// Lines 1-11: src (test_counter), split (test_split), out (test_collect).
const std::string kNodes = R"([[node]]
name = "src"
op = "test_counter"

[[node]]
name = "split"
op = "test_split"

[[node]]
name = "out"
op = "test_collect"
)";
}  // namespace

TEST_CASE("a misspelt output port is reported at its edge with a suggestion", "[validate][port]") {
  std::string text = kNodes + R"(
[[edge]]
from = "src.outt"
to = "split.in"

[[edge]]
from = "split.even"
to = "out.in"
)";
  auto ds = load_errors(text);
  INFO(joined(ds));
  REQUIRE(ds.size() == 1);
  CHECK(ds[0].node == "src");
  CHECK(ds[0].message == "operator 'test_counter' has no output port 'outt' (did you mean 'out'?); its output ports: out");
  CHECK(ds[0].where.line == 13);
  CHECK(ds[0].where.column == 1);
}

TEST_CASE("a misspelt input port is reported at its edge", "[validate][port]") {
  std::string text = kNodes + R"(
[[edge]]
from = "src"
to = "split.input"

[[edge]]
from = "split.even"
to = "out"
)";
  auto ds = load_errors(text);
  INFO(joined(ds));
  // Which input was meant is unknown, so split.in is also left unconnected.
  REQUIRE(ds.size() == 2);
  CHECK(ds[0].node == "split");
  CHECK(ds[0].message == "operator 'test_split' has no input port 'input'; its input ports: in");
  CHECK(ds[0].where.line == 13);
  CHECK(ds[0].where.column == 1);
  CHECK(ds[1].node == "split");
  CHECK(ds[1].message.find("required input 'in' (test_int) is not connected") == 0);
  CHECK(ds[1].where.line == 5);
}

TEST_CASE("a port used in the wrong direction says so", "[validate][port]") {
  std::string text = kNodes + R"(
[[edge]]
from = "src"
to = "split.in"

[[edge]]
from = "split.in"
to = "out"
)";
  auto ds = load_errors(text);
  INFO(joined(ds));
  REQUIRE(ds.size() == 1);
  CHECK(ds[0].node == "split");
  CHECK(ds[0].message ==
        "'in' is an input port; edges run from an output (from = ...) to an input (to = ...)");
  CHECK(ds[0].where.line == 17);
}

TEST_CASE("leaving the port out of a node with several is ambiguous", "[validate][port]") {
  std::string text = kNodes + R"(
[[edge]]
from = "src"
to = "split"

[[edge]]
from = "split"
to = "out"
)";
  auto ds = load_errors(text);
  INFO(joined(ds));
  REQUIRE(ds.size() == 1);
  CHECK(ds[0].node == "split");
  CHECK(ds[0].message == "'split' has 2 output ports (even, odd); name one as split.PORT");
  CHECK(ds[0].where.line == 17);
}

TEST_CASE("an edge to an unknown node is located with a suggestion", "[validate][port]") {
  std::string text = kNodes + R"(
[[edge]]
from = "src"
to = "split"

[[edge]]
from = "split.odd"
to = "otu.in"

[[edge]]
from = "split.even"
to = "out"
)";
  auto ds = load_errors(text);
  INFO(joined(ds));
  REQUIRE(ds.size() == 1);
  CHECK(ds[0].node.empty());
  CHECK(ds[0].message == "edge to unknown node 'otu' (did you mean 'out'?)");
  CHECK(ds[0].where.line == 17);
  CHECK(ds[0].where.column == 1);
}
