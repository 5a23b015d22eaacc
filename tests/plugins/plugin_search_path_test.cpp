// Finding plugins by bare name and loading whole directories: the entries of
// AVFLOW_PLUGIN_PATH, then the built-in plugin directory. The current
// directory is never searched implicitly, also not through empty entries.
#include <catch2/catch.hpp>

#include <filesystem>

#include "tests/plugins/plugin_test_util.h"
#include "tests/support/process.h"

using namespace avflow;
using namespace avflow::test;
namespace fs = std::filesystem;

namespace {

// A copy of a fixture library under another directory.
std::string copy_fixture(const std::string& name, const std::string& dir, const std::string& as = "") {
  std::string to = dir + "/" + (as.empty() ? "lib" + name + ".so" : as);
  fs::copy_file(fixture(name), to, fs::copy_options::overwrite_existing);
  return to;
}

PluginRef bare(const std::string& name) { return PluginRef{name, "", {"test.toml", 1, 12}}; }

}  // namespace

TEST_CASE("AVFLOW_PLUGIN_PATH resolves bare plugin names in a graph", "[plugin][search]") {
  EnvGuard env("AVFLOW_PLUGIN_PATH", plugin_dir());
  Registry registry;
  add_test_ops(registry);
  PluginLoader loader(registry);
  CHECK(loader.search_dirs() == std::vector<std::string>{plugin_dir()});
  // Every spelling the loader accepts: name, libNAME.so, NAME.so's file name.
  CHECK(loader.resolve(bare("fixture_good")) == plugin_dir() + "/libfixture_good.so");
  CHECK(loader.resolve(bare("libfixture_good.so")) == plugin_dir() + "/libfixture_good.so");

  ResolvedGraph g = load_graph_text(
      "plugins = [\"fixture_good\"]\n"
      "[[node]]\nname = \"src\"\nop = \"fixture_count\"\ncount = 2\n"
      "[[node]]\nname = \"sink\"\nop = \"test_collect\"\n"
      "[[edge]]\nfrom = \"src\"\nto = \"sink\"\n",
      "/nonexistent/dir/g.toml", {}, loader, registry);
  REQUIRE(loader.loaded().size() == 1);
  CHECK(loader.loaded()[0].path == canonical(fixture("fixture_good")));
  CollectValues::take();
  Executor ex(g);
  REQUIRE(ex.run().status == RunStatus::kFinished);
  CHECK(CollectValues::take() == std::vector<int64_t>{1, 2});
}

TEST_CASE("AVFLOW_PLUGIN_PATH entries are searched in order", "[plugin][search]") {
  TempDir a, b;
  copy_fixture("fixture_good", a.path());
  copy_fixture("fixture_good", b.path());
  {
    EnvGuard env("AVFLOW_PLUGIN_PATH", a.path() + ":" + b.path());
    Registry registry;
    PluginLoader loader(registry);
    CHECK(loader.resolve(bare("fixture_good")) == a.path() + "/libfixture_good.so");
  }
  {
    EnvGuard env("AVFLOW_PLUGIN_PATH", b.path() + ":" + a.path());
    Registry registry;
    PluginLoader loader(registry);
    CHECK(loader.resolve(bare("fixture_good")) == b.path() + "/libfixture_good.so");
    loader.load(bare("fixture_good"));
    CHECK(registry.find("fixture_scale")->origin == canonical(b.path() + "/libfixture_good.so"));
  }
}

TEST_CASE("The built-in plugin directory comes after AVFLOW_PLUGIN_PATH", "[plugin][search]") {
  TempDir env_dir, builtin;
  copy_fixture("fixture_good", env_dir.path());
  copy_fixture("fixture_good", builtin.path());
  {
    EnvGuard env("AVFLOW_PLUGIN_PATH", std::nullopt);
    Registry registry;
    PluginLoader loader(registry, builtin.path());
    CHECK(loader.search_dirs() == std::vector<std::string>{builtin.path()});
    CHECK(loader.resolve(bare("fixture_good")) == builtin.path() + "/libfixture_good.so");
  }
  {
    EnvGuard env("AVFLOW_PLUGIN_PATH", env_dir.path());
    Registry registry;
    PluginLoader loader(registry, builtin.path());
    CHECK(loader.search_dirs() == std::vector<std::string>{env_dir.path(), builtin.path()});
    CHECK(loader.resolve(bare("fixture_good")) == env_dir.path() + "/libfixture_good.so");
  }
}

TEST_CASE("Empty AVFLOW_PLUGIN_PATH entries never mean the current directory", "[plugin][search][cwd]") {
  CwdGuard cwd(plugin_dir());  // libfixture_good.so is right here
  REQUIRE(fs::exists("libfixture_good.so"));

  for (const char* value : {"", ":", "::", ":/nonexistent/dir:"}) {
    INFO("AVFLOW_PLUGIN_PATH='" << value << "'");
    EnvGuard env("AVFLOW_PLUGIN_PATH", std::string(value));
    Registry registry;
    PluginLoader loader(registry);
    CHECK(loader.search_dirs().empty());
    for (const char* name : {"fixture_good", "libfixture_good.so"}) {
      std::string msg = graph_error_of([&] { loader.resolve(bare(name)); });
      CHECK(contains(msg, "test.toml:1:12: error: plugin '" + std::string(name) + "' not found"));
    }
    loader.load_search_path();  // nothing from the current directory
    CHECK(loader.loaded().empty());
    CHECK(registry.names().empty());
  }

  SECTION("unset, it is not searched either") {
    EnvGuard env("AVFLOW_PLUGIN_PATH", std::nullopt);
    Registry registry;
    PluginLoader loader(registry);
    CHECK(loader.search_dirs().empty());
    CHECK_THROWS_AS(loader.resolve(bare("fixture_good")), GraphError);
  }
  SECTION("an explicit '.' entry does search it") {
    EnvGuard env("AVFLOW_PLUGIN_PATH", std::string(":."));
    Registry registry;
    PluginLoader loader(registry);
    REQUIRE(loader.search_dirs().size() == 1);
    CHECK(fs::equivalent(loader.search_dirs()[0], plugin_dir()));
    CHECK(fs::equivalent(loader.resolve(bare("fixture_good")), fixture("fixture_good")));
  }
}

TEST_CASE("load_search_path loads every plugin in a directory and skips other libraries", "[plugin][search]") {
  TempDir dir;
  std::string good = copy_fixture("fixture_good", dir.path());
  copy_fixture("fixture_no_entry", dir.path());               // a plain shared library: skipped
  dir.write("README.txt", "not a library, not even looked at\n");  // not *.so: ignored

  SECTION("named in AVFLOW_PLUGIN_PATH") {
    EnvGuard env("AVFLOW_PLUGIN_PATH", dir.path());
    Registry registry;
    PluginLoader loader(registry);
    loader.load_search_path();
    REQUIRE(loader.loaded().size() == 1);
    CHECK(loader.loaded()[0].path == canonical(good));
    CHECK(registry.find("fixture_scale")->origin == canonical(good));
    CHECK(registry.names() == std::vector<std::string>{"fixture_count", "fixture_scale"});
  }
  SECTION("as the built-in plugin directory") {
    EnvGuard env("AVFLOW_PLUGIN_PATH", std::nullopt);
    Registry registry;
    PluginLoader loader(registry, dir.path());
    loader.load_search_path();
    REQUIRE(loader.loaded().size() == 1);
    CHECK(loader.loaded()[0].path == canonical(good));
  }
  SECTION("a graph naming an already loaded plugin does not load it twice") {
    EnvGuard env("AVFLOW_PLUGIN_PATH", dir.path());
    Registry registry;
    PluginLoader loader(registry);
    loader.load_search_path();
    loader.load(bare("fixture_good"));
    CHECK(loader.loaded().size() == 1);
  }
}

TEST_CASE("load_search_path loads a library file named in AVFLOW_PLUGIN_PATH", "[plugin][search]") {
  EnvGuard env("AVFLOW_PLUGIN_PATH", fixture("fixture_good"));
  Registry registry;
  PluginLoader loader(registry);
  CHECK(loader.search_dirs().empty());  // a file is loaded, not searched
  loader.load_search_path();
  REQUIRE(loader.loaded().size() == 1);
  CHECK(registry.find("fixture_count") != nullptr);
}

TEST_CASE("load_search_path reports a broken plugin in a searched directory", "[plugin][search]") {
  TempDir dir;
  copy_fixture("fixture_good", dir.path());
  std::string bad = copy_fixture("fixture_abi_mismatch", dir.path());
  EnvGuard env("AVFLOW_PLUGIN_PATH", dir.path());
  Registry registry;
  PluginLoader loader(registry);
  std::string msg = graph_error_of([&] { loader.load_search_path(); });
  CHECK(contains(msg, canonical(bad)));
  CHECK(contains(msg, "plugin ABI"));
}

TEST_CASE("A named library without the entry point, given as a file in AVFLOW_PLUGIN_PATH, is an error",
          "[plugin][search]") {
  EnvGuard env("AVFLOW_PLUGIN_PATH", fixture("fixture_no_entry"));
  Registry registry;
  PluginLoader loader(registry);
  std::string msg = graph_error_of([&] { loader.load_search_path(); });
  CHECK(contains(msg, "AVFLOW_PLUGIN_PATH: error: "));
  CHECK(contains(msg, canonical(fixture("fixture_no_entry"))));
}
