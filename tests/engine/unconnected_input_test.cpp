// A required input left without an edge is an error at the node; an optional
// one may stay open.
#include <algorithm>

#include <catch2/catch.hpp>

#include "tests/support/test_operators.h"

using namespace avflow;
using namespace avflow::test;

TEST_CASE("an unconnected required input is reported at its node", "[validate][unconnected]") {
  const char* text = R"([[node]]
name = "src"
op = "test_counter"

  [[node]]
  name = "join"
  op = "test_join"

[[node]]
name = "out"
op = "test_collect"

[[edge]]
from = "src"
to = "join.a"

[[edge]]
from = "join"
to = "out"
)";
  auto ds = load_errors(text);
  INFO(joined(ds));
  REQUIRE(ds.size() == 1);
  CHECK(ds[0].node == "join");
  CHECK(ds[0].message ==
        "required input 'b' (test_int) is not connected; add an [[edge]] with to = \"join.b\"");
  CHECK(ds[0].where.line == 5);
  CHECK(ds[0].where.column == 3);
}

TEST_CASE("every unconnected input of every node is reported", "[validate][unconnected]") {
  const char* text = R"([[node]]
name = "src"
op = "test_counter"

[[node]]
name = "join"
op = "test_join"

[[node]]
name = "out"
op = "test_collect"
)";
  auto ds = load_errors(text);
  INFO(joined(ds));
  REQUIRE(ds.size() == 3);
  CHECK(ds[0].node == "join");
  CHECK(ds[0].message.find("required input 'a'") == 0);
  CHECK(ds[1].node == "join");
  CHECK(ds[1].message.find("required input 'b'") == 0);
  CHECK(ds[2].node == "out");
  CHECK(ds[2].message.find("required input 'in'") == 0);
  CHECK(ds[2].where.line == 9);
}

TEST_CASE("an optional input may stay unconnected", "[validate][unconnected]") {
  const char* text = R"([[node]]
name = "src"
op = "test_counter"
count = 3

[[node]]
name = "p"
op = "test_params"
label = "x"

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
  reset_test_state();
  RunResult r = run_text(text);
  REQUIRE(r.status == RunStatus::kFinished);
  auto got = Recorder::values("out");
  std::sort(got.begin(), got.end());
  CHECK(got == std::vector<int64_t>{0, 1, 2});
}
