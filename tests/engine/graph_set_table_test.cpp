// [set] in a graph file: node.param = value lines that set parameters of
// nodes from included files, so a variant of a graph (an ablation, a small
// quickstart) is the base graph plus the lines that differ. The outermost
// file wins over its includes, and --set on the command line over both.
#include <catch2/catch.hpp>

#include "engine/graph_loader.h"
#include "tests/support/process.h"
#include "tests/support/test_operators.h"

using namespace avflow;
using namespace avflow::test;

namespace {

constexpr const char* kPart = R"([[node]]
name = "src"
op = "test_counter"
count = 5

[[node]]
name = "out"
op = "test_collect"

[[edge]]
from = "src"
to = "out"

[set]
src.count = 4
)";

std::vector<int64_t> run_and_collect(const ResolvedGraph& g) {
  reset_test_state();
  Executor ex(g);
  REQUIRE(ex.run().status == RunStatus::kFinished);
  return Recorder::values("out");
}

}  // namespace

TEST_CASE("[set] lines set included nodes' parameters, the outermost file first, the command line last", "[set]") {
  TempDir dir;
  dir.write("part.toml", kPart);
  const std::string alone = dir.write("alone.toml", "include = [\"part.toml\"]\n");
  CHECK(run_and_collect(load_file(alone)) == std::vector<int64_t>{0, 1, 2, 3});  // the part's own [set]

  const std::string variant = dir.write("variant.toml", "include = [\"part.toml\"]\n\n[set]\nsrc.count = 3\n");
  const ResolvedGraph g = load_file(variant);
  CHECK(run_and_collect(g) == std::vector<int64_t>{0, 1, 2});
  CHECK(run_and_collect(load_file(variant, {"src.count=2"})) == std::vector<int64_t>{0, 1});
}

TEST_CASE("a [set] line naming no node is refused at its line with a suggestion", "[set]") {
  TempDir dir;
  dir.write("part.toml", kPart);
  const std::string main = dir.write("main.toml", "include = [\"part.toml\"]\n\n[set]\nsrx.count = 3\n");
  const auto ds = file_errors(main);
  INFO(joined(ds));
  REQUIRE(ds.size() == 1);
  CHECK(ds[0].where.file == main);
  CHECK(ds[0].where.line == 4);
  CHECK_THAT(ds[0].message, Catch::Matchers::StartsWith("[set] srx.count: no node named 'srx' in the graph"));
  CHECK_THAT(ds[0].message, Catch::Matchers::Contains("src"));
}

TEST_CASE("a [set] value of the wrong type is refused at the [set] line, naming the node", "[set]") {
  TempDir dir;
  dir.write("part.toml", kPart);
  const std::string main = dir.write("main.toml", "include = [\"part.toml\"]\n\n[set]\nsrc.count = \"three\"\n");
  const auto ds = file_errors(main);
  INFO(joined(ds));
  REQUIRE(ds.size() == 1);
  CHECK(ds[0].where.file == main);
  CHECK(ds[0].where.line == 4);
  CHECK(ds[0].node == "src");
  CHECK(ds[0].message == "parameter 'count' expects int, got a string \"three\"");
}

TEST_CASE("a [set] line that is not node.param = value is refused", "[set]") {
  TempDir dir;
  const std::string main = dir.write("main.toml", "[set]\ncount = 3\n");
  const auto ds = file_errors(main);
  INFO(joined(ds));
  REQUIRE(ds.size() == 1);
  CHECK(ds[0].where.line == 2);
  CHECK(ds[0].message == "[set] count: write node.param = value (e.g. mel.n_mels = 64)");
}
