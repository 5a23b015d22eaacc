// Plugins that cannot be found or loaded: every error names the library
// path (and, for a plugin a graph names, the graph file and line).
#include <catch2/catch.hpp>

#include <fstream>

#include "tests/plugins/plugin_test_util.h"
#include "tests/support/process.h"

using namespace avflow;
using namespace avflow::test;

TEST_CASE("A graph naming a missing plugin file fails at that entry, naming the path", "[plugin][path][graph]") {
  Registry registry;
  PluginLoader loader(registry);
  std::string text = "plugins = [\"./libfixture_good.so\", \"sub/no_such_plugin.so\"]\n";
  std::string msg = graph_error_of([&] { load_graph_text(text, graph_path("missing.toml"), {}, loader, registry); });
  CHECK(contains(msg, graph_path("missing.toml") + ":1:"));
  CHECK(contains(msg, "plugin library '" + plugin_dir() + "/sub/no_such_plugin.so' does not exist"));
}

TEST_CASE("A relative plugin path is relative to the graph file, not the current directory", "[plugin][path][graph]") {
  Registry registry;
  PluginLoader loader(registry);
  TempDir elsewhere;
  // The library exists in the current directory but not beside the graph.
  CwdGuard cwd(plugin_dir());
  std::string text = "plugins = [\"./libfixture_good.so\"]\n";
  std::string graph = elsewhere.path() + "/g.toml";
  std::string msg = graph_error_of([&] { load_graph_text(text, graph, {}, loader, registry); });
  CHECK(contains(msg, graph + ":1:"));
  CHECK(contains(msg, "plugin library '" + elsewhere.path() + "/"));
  CHECK(contains(msg, "libfixture_good.so' does not exist"));
  CHECK(registry.names().empty());
}

TEST_CASE("A graph naming an unknown bare plugin name says where it looked", "[plugin][path][graph]") {
  EnvGuard env("AVFLOW_PLUGIN_PATH", plugin_dir());
  Registry registry;
  PluginLoader loader(registry);
  std::string text = "\n\nplugins = [\"no_such_plugin\"]\n";
  std::string msg = graph_error_of([&] { load_graph_text(text, graph_path("unknown.toml"), {}, loader, registry); });
  CHECK(contains(msg, graph_path("unknown.toml") + ":3:"));
  CHECK(contains(msg, "plugin 'no_such_plugin' not found in the plugin directories (" + plugin_dir() + ")"));
  CHECK(contains(msg, "AVFLOW_PLUGIN_PATH"));
}

TEST_CASE("load_file names a missing library", "[plugin][path]") {
  Registry registry;
  PluginLoader loader(registry);
  std::string path = plugin_dir() + "/libno_such_plugin.so";
  std::string msg = graph_error_of([&] { loader.load_file(path, {"--plugin " + path}); });
  CHECK(contains(msg, "--plugin " + path + ": error: "));
  CHECK(contains(msg, "plugin library '" + path + "' does not exist"));
}

TEST_CASE("A file that is not a shared library is refused with dlopen's reason", "[plugin][path]") {
  TempDir dir;
  std::string path = dir.write("libfake.so", "this is not an ELF file\n");
  Registry registry;
  PluginLoader loader(registry);
  std::string msg = graph_error_of([&] { loader.load_file(path, {"test"}); });
  CHECK(contains(msg, "cannot load plugin library '" + canonical(path) + "'"));
  CHECK(loader.loaded().empty());
}
