// The out-of-tree plugin recipe, examples/model_plugin/, as a user follows
// it: avflow installed into a prefix, the plugin configured on its own with
// find_package(avflow) and built against the installed headers and
// libraries, then the installed program running examples/model_plugin/model.toml
// (the plugin's tensor source feeding a train_step whose loss adds the
// plugin's loss term), and `avflow check` refusing a loss term nobody
// registered.
#include <catch2/catch.hpp>

#include <algorithm>
#include <cmath>
#include <sstream>

#include "tests/plugins/plugin_test_util.h"
#include "tests/support/process.h"

using namespace avflow::test;

namespace {

ProcessResult run_step(const std::string& what, const std::vector<std::string>& argv) {
  ProcessResult r = run_process(argv);
  INFO(what << ":\n" << r.out << r.err);
  REQUIRE(r.exit_code == 0);
  return r;
}

std::vector<std::string> lines_of(const std::string& text) {
  std::vector<std::string> lines;
  std::istringstream in(text);
  for (std::string line; std::getline(in, line);) lines.push_back(line);
  return lines;
}

double loss_of(const std::string& json_line) {
  const auto at = json_line.find("\"loss\":");
  REQUIRE(at != std::string::npos);
  return std::stod(json_line.substr(at + 7));
}

}  // namespace

TEST_CASE("A plugin built against an installed avflow adds a loss term to train_step", "[plugin][example][install]") {
  TempDir tmp;
  const std::string prefix = tmp.path() + "/prefix", build = tmp.path() + "/build";
  const std::string example = std::string(AVFLOW_SOURCE_DIR) + "/examples/model_plugin";
  run_step("install", {AVFLOW_CMAKE_COMMAND, "--install", AVFLOW_BINARY_DIR, "--prefix", prefix});
  std::vector<std::string> configure = {AVFLOW_CMAKE_COMMAND, "-S", example, "-B", build, "-G", AVFLOW_CMAKE_GENERATOR,
                                        "-DCMAKE_PREFIX_PATH=" + prefix};
  if (!std::string(AVFLOW_CXX_LAUNCHER).empty())
    configure.push_back("-DCMAKE_CXX_COMPILER_LAUNCHER=" + std::string(AVFLOW_CXX_LAUNCHER));
  run_step("configure the example", configure);
  run_step("build the example", {AVFLOW_CMAKE_COMMAND, "--build", build});

  // The installed program, with the example found as its README says.
  EnvGuard env("AVFLOW_PLUGIN_PATH", build);
  const std::string avflow = prefix + "/bin/avflow", graph = example + "/model.toml";
  const ProcessResult run = run_step("run the example graph", {avflow, "run", graph, "--progress", "never"});
  const auto rows = lines_of(run.out);
  REQUIRE(rows.size() == 3);  // one row per step
  for (const auto& row : rows) CHECK(std::isfinite(loss_of(row)));

  const ProcessResult ops = run_step("list operators", {avflow, "ops"});
  CHECK(contains(ops.out, "example_random_batches"));
  CHECK(contains(ops.out, "example_alignment"));
  CHECK(contains(ops.out, build + "/libavflow_example_model.so"));

  const ProcessResult unknown =
      run_process({avflow, "check", graph, "--set", "train.loss_terms=[\"contrastive\", \"example_missing\"]"});
  CHECK(unknown.exit_code == 2);
  CHECK(contains(unknown.err, "names no loss_term 'example_missing'; known: contrastive"));
  CHECK(contains(unknown.err, ", example_alignment"));  // the plugin's, among the installed plugins' terms
}
