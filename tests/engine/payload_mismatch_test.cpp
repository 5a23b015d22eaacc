// Edges between ports of different payload types are refused before the
// graph runs, naming both ports and both types; `any` ports take everything.
#include <catch2/catch.hpp>

#include "tests/support/test_operators.h"

using namespace avflow;
using namespace avflow::test;

TEST_CASE("a payload type mismatch names both ends and their types", "[validate][payload]") {
  const char* text = R"([[node]]
name = "txt"
op = "test_text_source"

[[node]]
name = "dbl"
op = "test_double"

[[node]]
name = "out"
op = "test_collect"

[[edge]]
from = "txt.out"
to = "dbl.in"

[[edge]]
from = "dbl"
to = "out"
)";
  auto ds = load_errors(text);
  INFO(joined(ds));
  // Reported once: the refused edge does not also leave dbl.in "unconnected".
  REQUIRE(ds.size() == 1);
  CHECK(ds[0].node == "dbl");
  CHECK(ds[0].message == "payload type mismatch: txt.out carries 'test_text' but dbl.in accepts 'test_int'");
  CHECK(ds[0].where.file == "test.toml");
  CHECK(ds[0].where.line == 13);
  CHECK(ds[0].where.column == 1);
}

TEST_CASE("an any input accepts every payload type and receives it", "[validate][payload]") {
  const char* text = R"([[node]]
name = "txt"
op = "test_text_source"
count = 3

[[node]]
name = "nums"
op = "test_counter"
count = 2

[[node]]
name = "sink"
op = "test_any_sink"

[[node]]
name = "sink2"
op = "test_any_sink"

[[edge]]
from = "txt"
to = "sink"

[[edge]]
from = "nums"
to = "sink2"
)";
  reset_test_state();
  RunResult r = run_text(text);
  REQUIRE(r.status == RunStatus::kFinished);
  CHECK(Recorder::entered_count("sink") == 3);
  CHECK(Recorder::values("sink").empty());  // text, not numbers
  CHECK(Recorder::values("sink2") == std::vector<int64_t>{0, 1});
}

TEST_CASE("packets check their type when read", "[payload]") {
  Packet p = Packet::make(TestInt{5});
  CHECK(p.holds<TestInt>());
  CHECK_FALSE(p.holds<TestText>());
  CHECK(p.get<TestInt>().v == 5);
  CHECK(p.describe() == "test_int [v=5]");
  CHECK_THROWS_WITH(p.get<TestText>(), "packet holds 'test_int', read as 'test_text'");
  Packet empty;
  CHECK_FALSE(empty);
  CHECK_THROWS_WITH(empty.get<TestInt>(), "read of an empty packet as 'test_int'");
}
