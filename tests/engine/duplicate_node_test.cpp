// Two nodes with one name, and the same edge written twice.
#include <catch2/catch.hpp>

#include "tests/support/test_operators.h"

using namespace avflow;
using namespace avflow::test;

TEST_CASE("a duplicate node name points at both definitions", "[validate][duplicate]") {
  const char* text = R"([[node]]
name = "src"
op = "test_counter"

[[node]]
name = "out"
op = "test_collect"

[[node]]
name = "src"
op = "test_collect"

[[edge]]
from = "src"
to = "out"
)";
  auto ds = load_errors(text);
  INFO(joined(ds));
  REQUIRE(ds.size() == 1);
  CHECK(ds[0].node == "src");
  CHECK(ds[0].message == "duplicate node name; first defined at test.toml:1:1");
  CHECK(ds[0].where.line == 9);
  CHECK(ds[0].where.column == 1);
}

TEST_CASE("the same edge twice is refused at the second", "[validate][duplicate]") {
  const char* text = R"([[node]]
name = "src"
op = "test_counter"

[[node]]
name = "out"
op = "test_collect"

[[edge]]
from = "src"
to = "out"

[[edge]]
from = "src.out"
to = "out.in"
)";
  auto ds = load_errors(text);
  INFO(joined(ds));
  REQUIRE(ds.size() == 1);
  CHECK(ds[0].node == "out");
  CHECK(ds[0].message == "duplicate edge src.out -> out.in (every item would arrive twice)");
  CHECK(ds[0].where.line == 13);
}

TEST_CASE("one output may feed several inputs (fan-out is not a duplicate)", "[validate][duplicate]") {
  const char* text = R"([[node]]
name = "src"
op = "test_counter"
count = 4

[[node]]
name = "a"
op = "test_collect"

[[node]]
name = "b"
op = "test_collect"

[[edge]]
from = "src"
to = "a"

[[edge]]
from = "src"
to = "b"
)";
  reset_test_state();
  RunResult r = run_text(text);
  REQUIRE(r.status == RunStatus::kFinished);
  CHECK(Recorder::values("a") == std::vector<int64_t>{0, 1, 2, 3});
  CHECK(Recorder::values("b") == std::vector<int64_t>{0, 1, 2, 3});
}
