// A shared library without avflow_plugin_entry, named explicitly, is an
// error naming it (in a searched directory it is skipped instead: see
// plugin_search_path_test.cpp).
#include <catch2/catch.hpp>

#include "tests/plugins/plugin_test_util.h"

using namespace avflow;
using namespace avflow::test;

TEST_CASE("PluginLoader refuses a shared library without the entry point", "[plugin][entry]") {
  Registry registry;
  PluginLoader loader(registry);
  std::string msg = graph_error_of([&] { loader.load_file(fixture("fixture_no_entry"), {"test"}); });
  CHECK(contains(msg, "'" + canonical(fixture("fixture_no_entry")) + "' is not an avflow plugin"));
  CHECK(contains(msg, "avflow_plugin_entry"));
  CHECK(contains(msg, "AVFLOW_PLUGIN"));
  CHECK(loader.loaded().empty());
  CHECK(registry.names().empty());
}

TEST_CASE("A graph naming a library without the entry point fails at that entry", "[plugin][entry][graph]") {
  Registry registry;
  PluginLoader loader(registry);
  std::string text =
      "# a comment line\n"
      "plugins = [\"./libfixture_good.so\",\n"
      "           \"./libfixture_no_entry.so\"]\n";
  std::string msg = graph_error_of([&] { load_graph_text(text, graph_path("entry.toml"), {}, loader, registry); });
  CHECK(contains(msg, graph_path("entry.toml") + ":3:"));  // the second element's line
  CHECK(contains(msg, canonical(fixture("fixture_no_entry"))));
  CHECK(contains(msg, "is not an avflow plugin"));
}
