// Malformed graph files: TOML syntax errors and TOML that is not a graph.
// Every error names test.toml with the line and column of the problem.
#include <catch2/catch.hpp>

#include "tests/support/test_operators.h"

using namespace avflow;
using namespace avflow::test;

TEST_CASE("a TOML syntax error names the file, line and column", "[validate][syntax]") {
  // An unterminated string on line 3, from column 8.
  const char* text = R"([[node]]
name = "src"
op = "test_counter
)";
  auto ds = load_errors(text);
  INFO(joined(ds));
  REQUIRE(ds.size() == 1);
  CHECK(ds[0].where.file == "test.toml");
  CHECK(ds[0].where.line == 3);
  CHECK(ds[0].where.column >= 6);
  CHECK(ds[0].node.empty());
  CHECK_FALSE(ds[0].message.empty());
  CHECK(ds[0].str().rfind("test.toml:3:", 0) == 0);
}

TEST_CASE("a duplicate TOML key is a syntax error at its line", "[validate][syntax]") {
  const char* text = R"([[node]]
name = "src"
op = "test_counter"
name = "again"
)";
  auto ds = load_errors(text);
  INFO(joined(ds));
  REQUIRE(ds.size() == 1);
  CHECK(ds[0].where.line == 4);
  CHECK(ds[0].where.file == "test.toml");
}

TEST_CASE("node and edge written as plain tables are refused", "[validate][syntax]") {
  const char* text = R"(node = 5

[edge]
from = "a"
to = "b"
)";
  auto ds = load_errors(text);
  INFO(joined(ds));
  REQUIRE(ds.size() == 2);
  const Diagnostic* node = find_diagnostic(ds, "'node' must be an array of tables: write [[node]]");
  REQUIRE(node);
  CHECK(node->where.line == 1);
  CHECK(node->where.column == 8);
  const Diagnostic* edge = find_diagnostic(ds, "'edge' must be an array of tables: write [[edge]]");
  REQUIRE(edge);
  CHECK(edge->where.line == 3);
  CHECK(edge->where.column == 1);
}

TEST_CASE("an unknown top-level key gets a suggestion", "[validate][syntax]") {
  const char* text = R"(includes = ["a.toml"]
[[node]]
name = "src"
op = "test_counter"
)";
  auto ds = load_errors(text);
  INFO(joined(ds));
  REQUIRE(ds.size() == 1);
  CHECK(ds[0].message ==
        "unknown top-level key 'includes' (did you mean 'include'?); expected include, plugins, [graph], "
        "[[node]], [[edge]] or [set]");
  CHECK(ds[0].where.line == 1);
  CHECK(ds[0].where.column == 12);
}

TEST_CASE("nodes without a name or an op are reported where they are", "[validate][syntax]") {
  const char* text = R"([[node]]
op = "test_counter"

[[node]]
name = "sink"

[[node]]
name = 7
op = "test_collect"

[[node]]
name = "a.b"
op = "test_collect"
)";
  auto ds = load_errors(text);
  INFO(joined(ds));
  REQUIRE(ds.size() == 4);
  CHECK(ds[0].message == "[[node]] needs name = \"...\" (a non-empty string)");
  CHECK(ds[0].where.line == 1);
  CHECK(ds[0].where.column == 1);
  CHECK(ds[1].message == "needs op = \"...\" naming its operator");
  CHECK(ds[1].node == "sink");
  CHECK(ds[1].where.line == 4);
  CHECK(ds[2].message == "[[node]] needs name = \"...\" (a non-empty string)");
  CHECK(ds[2].where.line == 8);
  CHECK(ds[2].where.column == 8);
  CHECK(ds[3].node == "a.b");
  CHECK(ds[3].message.find("node names may not contain '.'") != std::string::npos);
  CHECK(ds[3].where.line == 12);
  CHECK(ds[3].where.column == 8);
}

TEST_CASE("edge mistakes name their line and a suggestion", "[validate][syntax]") {
  const char* text = R"([[node]]
name = "src"
op = "test_counter"

[[node]]
name = "out"
op = "test_collect"

[[edge]]
from = "src"
too = "out"
)";
  auto ds = load_errors(text);
  INFO(joined(ds));
  REQUIRE(ds.size() == 2);
  const Diagnostic* missing = find_diagnostic(ds, "[[edge]] needs to = \"node.port\"");
  REQUIRE(missing);
  CHECK(missing->where.line == 9);
  CHECK(missing->where.column == 1);
  const Diagnostic* unknown = find_diagnostic(ds, "unknown [[edge]] key 'too' (did you mean 'to'?)");
  REQUIRE(unknown);
  CHECK(unknown->where.line == 11);
  CHECK(unknown->where.column == 7);
}

TEST_CASE("bad settings in the graph table are located", "[validate][syntax]") {
  const char* text = R"([graph]
name = "g"
max_in_flight = 0
nme = "x"
doc = 3

[[node]]
name = "src"
op = "test_counter"
)";
  auto ds = load_errors(text);
  INFO(joined(ds));
  // Keys of one table are reported in key order, so look each one up.
  REQUIRE(ds.size() == 3);
  const Diagnostic* range = find_diagnostic(ds, "[graph] max_in_flight must be in [1, 1000000], got 0");
  REQUIRE(range);
  CHECK(range->where.line == 3);
  CHECK(range->where.column == 17);
  const Diagnostic* unknown = find_diagnostic(ds, "unknown [graph] key 'nme' (did you mean 'name'?)");
  REQUIRE(unknown);
  CHECK(unknown->where.line == 4);
  CHECK(unknown->where.column == 7);
  const Diagnostic* type = find_diagnostic(ds, "[graph] doc has the wrong type (integer)");
  REQUIRE(type);
  CHECK(type->where.line == 5);
  CHECK(type->where.column == 7);
}

TEST_CASE("a parameter that is a table is refused at its value", "[validate][syntax]") {
  const char* text = R"([[node]]
name = "src"
op = "test_counter"
count = { a = 1 }
)";
  auto ds = load_errors(text);
  INFO(joined(ds));
  REQUIRE(ds.size() == 1);
  CHECK(ds[0].node == "src");
  CHECK(ds[0].message.find("parameter 'count' has an unsupported value (table)") == 0);
  CHECK(ds[0].where.line == 4);
  CHECK(ds[0].where.column == 9);
}

TEST_CASE("every problem is reported at once", "[validate][syntax]") {
  const char* text = R"([[node]]
name = "src"
op = "test_countr"

[[node]]
name = "out"
op = "test_collect"
dealy_us = 5

[[edge]]
from = "src"
to = "out"
)";
  auto ds = load_errors(text);
  INFO(joined(ds));
  REQUIRE(ds.size() == 2);
  CHECK(ds[0].where.line == 3);
  CHECK(ds[0].node == "src");
  CHECK(ds[1].where.line == 8);
  CHECK(ds[1].node == "out");
  // The exception's own text lists both, compiler style.
  try {
    load_text(text);
    FAIL("the graph loaded");
  } catch (const GraphError& e) {
    std::string what = e.what();
    CHECK(what.find("test.toml:3:6: error: node 'src': unknown operator 'test_countr'") != std::string::npos);
    CHECK(what.find("test.toml:8:12: error: node 'out': unknown parameter 'dealy_us'") != std::string::npos);
  }
}

TEST_CASE("a graph without nodes or without a source is refused", "[validate][syntax]") {
  SECTION("empty") {
    auto ds = load_errors("");
    INFO(joined(ds));
    REQUIRE(ds.size() == 1);
    CHECK(ds[0].message == "the graph has no nodes");
    CHECK(ds[0].where.file == "test.toml");
  }
  SECTION("no source") {
    const char* text = R"([[node]]
name = "out"
op = "test_optional_sink"
)";
    auto ds = load_errors(text);
    INFO(joined(ds));
    REQUIRE(ds.size() == 1);
    CHECK(ds[0].message == "the graph has no source node, so nothing would ever run");
    CHECK(ds[0].where.file == "test.toml");
  }
}

TEST_CASE("a graph file that does not exist is named", "[validate][syntax]") {
  try {
    load_graph_file("/nonexistent/dir/graph.toml");
    FAIL("loaded a missing file");
  } catch (const GraphError& e) {
    REQUIRE(e.diagnostics().size() == 1);
    CHECK(e.diagnostics()[0].where.file == "/nonexistent/dir/graph.toml");
    CHECK(e.diagnostics()[0].message == "graph file does not exist");
  }
}
