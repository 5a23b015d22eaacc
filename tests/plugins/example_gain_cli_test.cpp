// The example graph examples/gain_plugin/gain.toml, run by the avflow program
// exactly as its README says: the plugin found through AVFLOW_PLUGIN_PATH,
// feeding the built-in jsonl sink.
#include <catch2/catch.hpp>

#include <algorithm>

#include "tests/plugins/plugin_test_util.h"
#include "tests/support/process.h"

using namespace avflow::test;

namespace {
std::string avflow_program() { return std::string(AVFLOW_BINARY_DIR) + "/avflow"; }
std::string example_graph() { return std::string(AVFLOW_SOURCE_DIR) + "/examples/gain_plugin/gain.toml"; }
}  // namespace

TEST_CASE("avflow runs the gain example with AVFLOW_PLUGIN_PATH", "[plugin][example][cli]") {
  EnvGuard env("AVFLOW_PLUGIN_PATH", std::string(AVFLOW_BINARY_DIR) + "/examples");
  auto r = run_process({avflow_program(), "run", example_graph(), "--progress", "never"});
  INFO(r.err);
  REQUIRE(r.exit_code == 0);
  // ramp: x = 0, 0.5, ..., 2; gain: times 3 (the order may vary: gain is kParallel).
  for (const char* x : {"\"x\":0}", "\"x\":1.5}", "\"x\":3}", "\"x\":4.5}", "\"x\":6}"})
    CHECK(contains(r.out, x));
  CHECK(std::count(r.out.begin(), r.out.end(), '\n') == 5);
}

TEST_CASE("avflow ops describes the example plugin's operator", "[plugin][example][cli]") {
  EnvGuard env("AVFLOW_PLUGIN_PATH", std::string(AVFLOW_BINARY_DIR) + "/examples");
  auto r = run_process({avflow_program(), "ops", "gain"});
  INFO(r.err);
  REQUIRE(r.exit_code == 0);
  CHECK(contains(r.out, "factor"));
  CHECK(contains(r.out, "[-1000.0, 1000.0]"));
  CHECK(contains(r.out, "libgain.so"));
}

TEST_CASE("avflow refuses the gain example when the plugin cannot be found", "[plugin][example][cli]") {
  EnvGuard env("AVFLOW_PLUGIN_PATH", std::nullopt);
  auto r = run_process({avflow_program(), "check", example_graph()});
  CHECK(r.exit_code == 2);
  CHECK(contains(r.err, example_graph() + ":10:"));
  CHECK(contains(r.err, "plugin 'gain' not found"));
}
