// A plugin built for another plugin ABI is refused before any of its code
// registers anything, with a message naming the library and both versions.
#include <catch2/catch.hpp>

#include "engine/plugin_api.h"
#include "tests/plugins/plugin_test_util.h"

using namespace avflow;
using namespace avflow::test;

TEST_CASE("PluginLoader refuses a plugin built for another ABI version", "[plugin][abi]") {
  Registry registry;
  PluginLoader loader(registry);
  std::string msg = graph_error_of([&] { loader.load_file(fixture("fixture_abi_mismatch"), {"test"}); });
  CHECK(contains(msg, canonical(fixture("fixture_abi_mismatch"))));
  CHECK(contains(msg, "plugin ABI " + std::to_string(kPluginAbiVersion + 1)));
  CHECK(contains(msg, "this avflow has ABI " + std::to_string(kPluginAbiVersion)));
  CHECK(contains(msg, "rebuild"));
  // Its registration function was never committed (nor, by the loader's
  // order of checks, called).
  CHECK(registry.find("fixture_abi_op") == nullptr);
  CHECK(registry.names().empty());
  CHECK(loader.loaded().empty());
}

TEST_CASE("A graph naming a plugin of another ABI fails at the plugins entry", "[plugin][abi][graph]") {
  Registry registry;
  add_test_ops(registry);
  PluginLoader loader(registry);
  std::string text =
      "# two lines before the plugins entry,\n"
      "# so that its line number is 3\n"
      "plugins = [\"./libfixture_abi_mismatch.so\"]\n";
  std::string msg = graph_error_of([&] { load_graph_text(text, graph_path("abi.toml"), {}, loader, registry); });
  CHECK(contains(msg, graph_path("abi.toml") + ":3:"));
  CHECK(contains(msg, canonical(fixture("fixture_abi_mismatch"))));
  CHECK(contains(msg, "plugin ABI " + std::to_string(kPluginAbiVersion + 1)));
  CHECK(registry.find("fixture_abi_op") == nullptr);
}
