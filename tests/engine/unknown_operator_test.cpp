// An `op` that names no registered operator: reported at the op value, with a
// suggestion when the name is a plausible typo.
#include <catch2/catch.hpp>

#include "tests/support/test_operators.h"

using namespace avflow;
using namespace avflow::test;

TEST_CASE("an unknown operator is located at its op value with a suggestion", "[validate][operator]") {
  const char* text = R"([[node]]
name = "src"
op = "test_countr"

[[node]]
name = "out"
op = "test_collect"

[[edge]]
from = "src"
to = "out"
)";
  auto ds = load_errors(text);
  INFO(joined(ds));
  REQUIRE(ds.size() == 1);  // the edge from the unresolved node is not reported again
  CHECK(ds[0].node == "src");
  CHECK(ds[0].message ==
        "unknown operator 'test_countr' (did you mean 'test_counter'?); `avflow ops` lists the known ones");
  CHECK(ds[0].where.file == "test.toml");
  CHECK(ds[0].where.line == 3);
  CHECK(ds[0].where.column == 6);
}

TEST_CASE("an operator name far from any known one gets no suggestion", "[validate][operator]") {
  const char* text = R"([[node]]
name = "src"
op = "test_counter"

[[node]]
  name = "out"
  op = "quantum_flux_capacitor"

[[edge]]
from = "src"
to = "out"
)";
  auto ds = load_errors(text);
  INFO(joined(ds));
  REQUIRE(ds.size() == 1);
  CHECK(ds[0].node == "out");
  CHECK(ds[0].message == "unknown operator 'quantum_flux_capacitor'; `avflow ops` lists the known ones");
  CHECK(ds[0].where.line == 7);
  CHECK(ds[0].where.column == 8);
}

TEST_CASE("every unknown operator is reported, not only the first", "[validate][operator]") {
  const char* text = R"([[node]]
name = "a"
op = "test_countre"

[[node]]
name = "b"
op = "test_colect"
)";
  auto ds = load_errors(text);
  INFO(joined(ds));
  REQUIRE(ds.size() == 2);
  CHECK(ds[0].node == "a");
  CHECK(ds[0].where.line == 3);
  CHECK(ds[0].message.find("(did you mean 'test_counter'?)") != std::string::npos);
  CHECK(ds[1].node == "b");
  CHECK(ds[1].where.line == 7);
  CHECK(ds[1].message.find("(did you mean 'test_collect'?)") != std::string::npos);
}
