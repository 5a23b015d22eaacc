// A plugin may not register an operator name that is taken, whether by an
// earlier plugin, by the program itself, or by itself: the whole plugin is
// refused, with a message naming it and the owner of the name.
#include <catch2/catch.hpp>

#include "tests/plugins/plugin_test_util.h"

using namespace avflow;
using namespace avflow::test;

TEST_CASE("A plugin registering a name another plugin registered is refused", "[plugin][duplicate]") {
  Registry registry;
  PluginLoader loader(registry);
  loader.load_file(fixture("fixture_good"), {"test"});
  std::string msg = graph_error_of([&] { loader.load_file(fixture("fixture_duplicate"), {"test"}); });
  CHECK(contains(msg, "plugin '" + canonical(fixture("fixture_duplicate")) + "' registers operator 'fixture_scale'"));
  CHECK(contains(msg, "already registered by " + canonical(fixture("fixture_good"))));
  // Nothing of the refused plugin, also not the name it staged first.
  CHECK(registry.find("fixture_dup_staged") == nullptr);
  CHECK(registry.find("fixture_scale")->origin == canonical(fixture("fixture_good")));
  CHECK(registry.names() == std::vector<std::string>{"fixture_count", "fixture_scale"});
  CHECK(loader.loaded().size() == 1);
}

TEST_CASE("A plugin registering a name the program registered is refused", "[plugin][duplicate]") {
  Registry registry;
  registry.add<CollectValues>("fixture_scale", "the program's own operator of that name");
  PluginLoader loader(registry);
  std::string msg = graph_error_of([&] { loader.load_file(fixture("fixture_duplicate"), {"test"}); });
  CHECK(contains(msg, canonical(fixture("fixture_duplicate"))));
  CHECK(contains(msg, "registers operator 'fixture_scale', already registered by built-in"));
  CHECK(registry.find("fixture_dup_staged") == nullptr);
  CHECK(registry.find("fixture_scale")->origin == "built-in");
}

TEST_CASE("A plugin registering one name twice is refused as a whole", "[plugin][duplicate]") {
  Registry registry;
  PluginLoader loader(registry);
  // A GraphError like every other plugin problem (not a bare logic_error),
  // and no half-registered plugin.
  std::string msg = graph_error_of([&] { loader.load_file(fixture("fixture_self_duplicate"), {"test"}); });
  CHECK(contains(msg, canonical(fixture("fixture_self_duplicate"))));
  CHECK(contains(msg, "'fixture_twice'"));
  CHECK(contains(msg, "twice"));
  CHECK(registry.find("fixture_twice") == nullptr);
  CHECK(registry.names().empty());
  CHECK(loader.loaded().empty());
}
