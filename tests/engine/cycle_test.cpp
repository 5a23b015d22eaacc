// Graphs must be acyclic: a cycle is reported with its path, at the edge that
// closes it.
#include <algorithm>

#include <catch2/catch.hpp>

#include "tests/support/test_operators.h"

using namespace avflow;
using namespace avflow::test;

TEST_CASE("a cycle through two nodes is reported with its path", "[validate][cycle]") {
  const char* text = R"([[node]]
name = "src"
op = "test_counter"

[[node]]
name = "join"
op = "test_join"

[[node]]
name = "dbl"
op = "test_double"

[[edge]]
from = "src"
to = "join.a"

[[edge]]
from = "join"
to = "dbl"

[[edge]]
from = "dbl"
to = "join.b"
)";
  auto ds = load_errors(text);
  INFO(joined(ds));
  REQUIRE(ds.size() == 1);
  CHECK(ds[0].node == "join");
  CHECK(ds[0].message == "cycle in the graph: join -> dbl -> join (graphs must be acyclic)");
  CHECK(ds[0].where.line == 21);
  CHECK(ds[0].where.column == 1);
}

TEST_CASE("a node feeding itself is a cycle", "[validate][cycle]") {
  const char* text = R"([[node]]
name = "src"
op = "test_counter"

[[node]]
name = "join"
op = "test_join"

[[edge]]
from = "src"
to = "join.a"

[[edge]]
from = "join.out"
to = "join.b"
)";
  auto ds = load_errors(text);
  INFO(joined(ds));
  REQUIRE(ds.size() == 1);
  CHECK(ds[0].node == "join");
  CHECK(ds[0].message == "cycle in the graph: join -> join (graphs must be acyclic)");
  CHECK(ds[0].where.line == 13);
}

TEST_CASE("a diamond is not a cycle and runs in topological order", "[validate][cycle]") {
  // Nodes listed sinks first, so the file order is not the run order.
  const char* text = R"([[node]]
name = "out"
op = "test_collect"

[[node]]
name = "join"
op = "test_join"

[[node]]
name = "left"
op = "test_double"

[[node]]
name = "right"
op = "test_close_probe"

[[node]]
name = "src"
op = "test_counter"
count = 2

[[edge]]
from = "src"
to = "left"

[[edge]]
from = "src"
to = "right"

[[edge]]
from = "left"
to = "join.a"

[[edge]]
from = "right"
to = "join.b"

[[edge]]
from = "join"
to = "out"
)";
  ResolvedGraph g = load_text(text);
  auto pos = [&](const std::string& n) {
    size_t idx = g.index_of(n);
    return std::find(g.topo_order.begin(), g.topo_order.end(), idx) - g.topo_order.begin();
  };
  REQUIRE(g.topo_order.size() == 5);
  CHECK(pos("src") < pos("left"));
  CHECK(pos("src") < pos("right"));
  CHECK(pos("left") < pos("join"));
  CHECK(pos("right") < pos("join"));
  CHECK(pos("join") < pos("out"));

  reset_test_state();
  Executor ex(g);
  RunResult r = ex.run();
  REQUIRE(r.status == RunStatus::kFinished);
  auto got = Recorder::values("out");
  std::sort(got.begin(), got.end());
  CHECK(got == std::vector<int64_t>{0, 2, 1000, 1001});
  // Opened in topological order: src before everything, out last.
  auto opened = Lifecycle::opened();
  REQUIRE(opened.size() == 5);
  CHECK(opened.front() == "src");
  CHECK(opened.back() == "out");
}
