// A plugin whose registration fails (it throws, or declares a contract that
// can never work) is refused as a whole: the error names the library and the
// cause, and none of its operators is registered, also those it staged
// before the failure.
#include <catch2/catch.hpp>

#include "tests/plugins/plugin_test_util.h"

using namespace avflow;
using namespace avflow::test;

TEST_CASE("A plugin whose registration throws leaves no operator registered", "[plugin][registration]") {
  Registry registry;
  add_test_ops(registry);
  PluginLoader loader(registry);
  std::string msg = graph_error_of([&] { loader.load_file(fixture("fixture_throwing"), {"test"}); });
  CHECK(contains(msg, "plugin '" + canonical(fixture("fixture_throwing")) + "' (fixture_throwing)"));
  CHECK(contains(msg, "failed to register its operators: fixture registration fails on purpose"));
  CHECK(registry.find("fixture_throw_staged") == nullptr);
  CHECK(registry.names() == std::vector<std::string>{"test_collect"});
  CHECK(loader.loaded().empty());
}

TEST_CASE("A graph naming a plugin whose registration throws fails at that entry", "[plugin][registration][graph]") {
  Registry registry;
  PluginLoader loader(registry);
  std::string text = "\nplugins = [\"./libfixture_throwing.so\"]\n";
  std::string msg = graph_error_of([&] { load_graph_text(text, graph_path("throwing.toml"), {}, loader, registry); });
  CHECK(contains(msg, graph_path("throwing.toml") + ":2:"));
  CHECK(contains(msg, canonical(fixture("fixture_throwing"))));
  CHECK(contains(msg, "fails on purpose"));
  CHECK(registry.names().empty());
}

TEST_CASE("A failed plugin fails again when loaded again, still registering nothing", "[plugin][registration]") {
  Registry registry;
  PluginLoader loader(registry);
  for (int i = 0; i < 2; ++i) {
    std::string msg = graph_error_of([&] { loader.load_file(fixture("fixture_throwing"), {"test"}); });
    CHECK(contains(msg, "fails on purpose"));
  }
  CHECK(registry.names().empty());
}

TEST_CASE("A plugin declaring an invalid contract is refused at registration", "[plugin][registration]") {
  Registry registry;
  PluginLoader loader(registry);
  std::string msg = graph_error_of([&] { loader.load_file(fixture("fixture_bad_contract"), {"test"}); });
  CHECK(contains(msg, canonical(fixture("fixture_bad_contract"))));
  CHECK(contains(msg, "operator 'fixture_bad_contract' has an invalid contract"));
  CHECK(contains(msg, "kOneToOne needs exactly one input and one output"));
  CHECK(registry.names().empty());
  CHECK(loader.loaded().empty());
}
