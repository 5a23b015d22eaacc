// An unknown parameter is reported at its key's value with a did-you-mean and
// the list of parameters the operator takes.
#include <catch2/catch.hpp>

#include "tests/support/test_operators.h"

using namespace avflow;
using namespace avflow::test;

TEST_CASE("a misspelt parameter suggests the declared one and lists all", "[validate][params][suggest]") {
  const char* text = R"([[node]]
name = "src"
op = "test_counter"
cuont = 3

[[node]]
name = "out"
op = "test_collect"

[[edge]]
from = "src"
to = "out"
)";
  auto ds = load_errors(text);
  INFO(joined(ds));
  REQUIRE(ds.size() == 1);
  CHECK(ds[0].node == "src");
  CHECK(ds[0].message ==
        "unknown parameter 'cuont' for operator 'test_counter' (did you mean 'count'?); it takes: count, "
        "per_call, throw_at");
  CHECK(ds[0].where.line == 4);
  CHECK(ds[0].where.column == 9);
}

TEST_CASE("an unrelated parameter name gets no suggestion", "[validate][params][suggest]") {
  const char* text = R"([[node]]
name = "src"
op = "test_counter"
frobnication_level = 3

[[node]]
name = "out"
op = "test_collect"

[[edge]]
from = "src"
to = "out"
)";
  auto ds = load_errors(text);
  INFO(joined(ds));
  REQUIRE(ds.size() == 1);
  CHECK(ds[0].message ==
        "unknown parameter 'frobnication_level' for operator 'test_counter'; it takes: count, per_call, throw_at");
}

TEST_CASE("an operator without parameters says so", "[validate][params][suggest]") {
  const char* text = R"([[node]]
name = "src"
op = "test_counter"

[[node]]
name = "out"
op = "test_any_sink"
gain = 2.0

[[edge]]
from = "src"
to = "out"
)";
  auto ds = load_errors(text);
  INFO(joined(ds));
  REQUIRE(ds.size() == 1);
  CHECK(ds[0].node == "out");
  CHECK(ds[0].message == "unknown parameter 'gain' for operator 'test_any_sink'; it takes no parameters");
  CHECK(ds[0].where.line == 8);
  CHECK(ds[0].where.column == 8);
}

TEST_CASE("closest_match accepts plausible typos only", "[diagnostics][suggest]") {
  std::vector<std::string> words = {"batch", "size", "window", "max_in_flight"};
  CHECK(closest_match("bacth", words) == "batch");  // a swap is one slip
  CHECK(closest_match("sise", words) == "size");
  CHECK(closest_match("windw", words) == "window");
  CHECK(closest_match("max_inflight", words) == "max_in_flight");
  CHECK(closest_match("xyz", words).empty());
  CHECK(closest_match("sz", words).empty());  // two edits in a short word is too many
  CHECK(closest_match("anything", {}).empty());
  CHECK(did_you_mean("bacth", words) == " (did you mean 'batch'?)");
  CHECK(did_you_mean("qqqqq", words).empty());
}
