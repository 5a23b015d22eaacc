// avflow run --run-dir: the run's resolved graph in DIR/graph.toml, {run_dir}
// in parameters, and a repeat of the run from its own directory.
#include <catch2/catch.hpp>
#include <filesystem>

#include "tests/runtime/cli_fixture.h"

using namespace avflow::test;

namespace {
// tone -> stats -> jsonl into {run_dir}, with a parameter left at its default.
const char* kGraph = R"(
[graph]
name = "rundir"

[[node]]
name = "tone"
op = "tone"
count = 4
duration = 0.01

[[node]]
name = "stats"
op = "tensor_stats"

[[node]]
name = "log"
op = "jsonl"
path = "{run_dir}/metrics.jsonl"

[[edge]]
from = "tone.pcm"
to = "stats.in"

[[edge]]
from = "stats.out"
to = "log.in"
)";

int lines_in(const std::string& path) {
  const std::string text = slurp(path);
  return static_cast<int>(std::count(text.begin(), text.end(), '\n'));
}
}  // namespace

TEST_CASE("a run directory holds the resolved graph, and running that graph repeats the run", "[cli][rundir]") {
  TempDir dir;
  const std::string graph = dir.write("g.toml", kGraph), first = dir.path() + "/first";
  auto r = run_avflow({"run", graph, "--run-dir", first, "--set", "tone.count=6", "--progress", "never"});
  INFO(r.err);
  REQUIRE(r.exit_code == 0);
  CHECK(lines_in(first + "/metrics.jsonl") == 6);  // {run_dir} became the directory
  const std::string resolved = slurp(first + "/graph.toml");
  CHECK(resolved.find("# overrides: tone.count=6") != std::string::npos);
  CHECK(resolved.find("count = 6") != std::string::npos);
  CHECK(resolved.find("path = \"" + first + "/metrics.jsonl\"") != std::string::npos);
  CHECK(resolved.find("frequency = ") != std::string::npos);  // defaults written out
  CHECK(resolved.find("{run_dir}") == std::string::npos);

  // Repeated from its own directory, with no --set: the same rows again.
  std::filesystem::remove(first + "/metrics.jsonl");
  auto again = run_avflow({"run", first + "/graph.toml", "--progress", "never"});
  INFO(again.err);
  REQUIRE(again.exit_code == 0);
  CHECK(lines_in(first + "/metrics.jsonl") == 6);
}

TEST_CASE("a graph using run_dir without --run-dir runs in runs/ and its name", "[cli][rundir]") {
  TempDir dir;
  const std::string graph = dir.write("g.toml", kGraph);
  // run from the temporary directory, so runs/ is made there
  auto r = run_process({"/bin/sh", "-c", "cd '" + dir.path() + "' && '" + avflow_program() + "' run g.toml --progress never"});
  INFO(r.err);
  REQUIRE(r.exit_code == 0);
  CHECK(lines_in(dir.path() + "/runs/rundir/metrics.jsonl") == 4);
  CHECK(std::filesystem::exists(dir.path() + "/runs/rundir/graph.toml"));
}
