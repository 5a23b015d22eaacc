// Loading a well-formed plugin: by path with PluginLoader, and through a
// graph's `plugins = [...]` list, then running a graph built from its
// operators.
#include <catch2/catch.hpp>

#include "tests/plugins/plugin_test_util.h"

using namespace avflow;
using namespace avflow::test;

namespace {

std::string counting_graph(const std::string& plugins_line, int count, int factor) {
  return plugins_line + "\n"
         "[[node]]\nname = \"src\"\nop = \"fixture_count\"\ncount = " + std::to_string(count) + "\n\n"
         "[[node]]\nname = \"scale\"\nop = \"fixture_scale\"\nfactor = " + std::to_string(factor) + "\n\n"
         "[[node]]\nname = \"sink\"\nop = \"test_collect\"\n\n"
         "[[edge]]\nfrom = \"src\"\nto = \"scale\"\n\n"
         "[[edge]]\nfrom = \"scale\"\nto = \"sink\"\n";
}

}  // namespace

TEST_CASE("PluginLoader loads a plugin file and registers its operators under its path", "[plugin]") {
  Registry registry;
  PluginLoader loader(registry);
  const LoadedPlugin& p = loader.load_file(fixture("fixture_good"), {"test"});

  CHECK(p.path == canonical(fixture("fixture_good")));
  CHECK(p.name == "fixture_good");
  CHECK(p.version == "1.2.3");
  CHECK(p.operators == std::vector<std::string>{"fixture_count", "fixture_scale"});
  REQUIRE(loader.loaded().size() == 1);

  const OperatorInfo* scale = registry.find("fixture_scale");
  REQUIRE(scale != nullptr);
  CHECK(scale->origin == p.path);
  CHECK(scale->doc == "multiplies by factor");
  CHECK(scale->contract.shape() == Shape::kFunction);
  REQUIRE(scale->contract.param("factor") != nullptr);
  CHECK(range_text(*scale->contract.param("factor")) == "[-100, 100]");
  CHECK(registry.find("fixture_count") != nullptr);
  CHECK(registry.names() == std::vector<std::string>{"fixture_count", "fixture_scale"});
}

TEST_CASE("Loading the same plugin twice through one loader registers it once", "[plugin]") {
  Registry registry;
  PluginLoader loader(registry);
  const LoadedPlugin& a = loader.load_file(fixture("fixture_good"), {"test"});
  // Another spelling of the same file: the loader compares canonical paths.
  const LoadedPlugin& b = loader.load_file(plugin_dir() + "/./../plugins/libfixture_good.so", {"test"});
  CHECK(&a == &b);
  CHECK(loader.loaded().size() == 1);
  CHECK(registry.names().size() == 2);
}

TEST_CASE("A graph's plugins list loads a library relative to the graph file", "[plugin][graph]") {
  Registry registry;
  add_test_ops(registry);
  PluginLoader loader(registry);
  ResolvedGraph g = load_graph_text(counting_graph("plugins = [\"./libfixture_good.so\"]", 4, 3), graph_path(), {},
                                    loader, registry);
  REQUIRE(loader.loaded().size() == 1);
  CHECK(loader.loaded()[0].path == canonical(fixture("fixture_good")));
  REQUIRE(g.nodes.size() == 3);
  CHECK(g.nodes[g.index_of("scale")].op->origin == canonical(fixture("fixture_good")));
}

TEST_CASE("A graph of plugin operators runs on the executor", "[plugin][graph][run]") {
  Registry registry;
  add_test_ops(registry);
  PluginLoader loader(registry);
  ResolvedGraph g = load_graph_text(counting_graph("plugins = [\"./libfixture_good.so\"]", 5, 3), graph_path(), {},
                                    loader, registry);
  CollectValues::take();
  Executor ex(g);
  RunResult r = ex.run();
  REQUIRE(r.status == RunStatus::kFinished);
  CHECK(CollectValues::take() == std::vector<int64_t>{3, 6, 9, 12, 15});
  REQUIRE(r.metrics.find("scale") != nullptr);
  CHECK(r.metrics.find("scale")->items_in == 5);
  CHECK(r.metrics.find("scale")->items_out == 5);
}

TEST_CASE("Overrides reach plugin operators' parameters", "[plugin][graph][run]") {
  Registry registry;
  add_test_ops(registry);
  PluginLoader loader(registry);
  ResolvedGraph g = load_graph_text(counting_graph("plugins = [\"./libfixture_good.so\"]", 2, 3), graph_path(),
                                    {"scale.factor=-7", "src.count=3"}, loader, registry);
  CollectValues::take();
  Executor ex(g);
  REQUIRE(ex.run().status == RunStatus::kFinished);
  CHECK(CollectValues::take() == std::vector<int64_t>{-7, -14, -21});
}

TEST_CASE("A plugin operator's declared range is enforced before the graph runs", "[plugin][graph]") {
  Registry registry;
  add_test_ops(registry);
  PluginLoader loader(registry);
  std::string text = counting_graph("plugins = [\"./libfixture_good.so\"]", 2, 1000);
  std::string msg = graph_error_of([&] { load_graph_text(text, graph_path(), {}, loader, registry); });
  CHECK(contains(msg, graph_path() + ":10:"));  // the factor = 1000 line
  CHECK(contains(msg, "node 'scale'"));
  CHECK(contains(msg, "factor"));
  CHECK(contains(msg, "[-100, 100]"));
}
