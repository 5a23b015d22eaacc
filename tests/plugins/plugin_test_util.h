// Shared by the plugin tests: fixture library paths, a sink that collects
// values, and guards that restore the environment and working directory.
//
// Every test uses its own Registry, so tests never see each other's
// operators, whatever order they run in and whether they share a process.
#pragma once

#include <cstdlib>
#include <filesystem>
#include <mutex>
#include <optional>
#include <stdexcept>
#include <string>
#include <utility>
#include <vector>

#include "engine/diagnostics.h"
#include "engine/executor.h"
#include "engine/graph_loader.h"
#include "engine/operator.h"
#include "engine/plugin_loader.h"
#include "engine/registry.h"
#include "tests/plugins/fixture_payload.h"

namespace avflow::test {

// Where the fixture plugins are built (tests/plugins/CMakeLists.txt).
inline std::string plugin_dir() { return AVFLOW_TEST_PLUGIN_DIR; }
inline std::string fixture(const std::string& name) { return plugin_dir() + "/lib" + name + ".so"; }
inline std::string canonical(const std::string& path) { return std::filesystem::canonical(path).string(); }

// A graph "file" inside the plugin directory: the path anchors the relative
// plugin paths the graph names and appears in diagnostics; it is never read.
inline std::string graph_path(const std::string& name = "plugin_test.toml") { return plugin_dir() + "/" + name; }

inline bool contains(const std::string& text, const std::string& part) { return text.find(part) != std::string::npos; }

// Sets (or, with nullopt, unsets) an environment variable for one scope.
class EnvGuard {
 public:
  EnvGuard(const char* name, std::optional<std::string> value) : name_(name) {
    if (const char* old = std::getenv(name)) old_ = old;
    if (value) ::setenv(name, value->c_str(), 1);
    else ::unsetenv(name);
  }
  ~EnvGuard() {
    if (old_) ::setenv(name_, old_->c_str(), 1);
    else ::unsetenv(name_);
  }
  EnvGuard(const EnvGuard&) = delete;
  EnvGuard& operator=(const EnvGuard&) = delete;

 private:
  const char* name_;
  std::optional<std::string> old_;
};

// Changes the working directory for one scope.
class CwdGuard {
 public:
  explicit CwdGuard(const std::string& dir) : old_(std::filesystem::current_path()) {
    std::filesystem::current_path(dir);
  }
  ~CwdGuard() { std::filesystem::current_path(old_); }
  CwdGuard(const CwdGuard&) = delete;
  CwdGuard& operator=(const CwdGuard&) = delete;

 private:
  std::filesystem::path old_;
};

// A sink registered by the test binary itself: keeps every value it gets.
class CollectValues final : public Operator {
 public:
  static inline const In<FixtureValue> kIn{"in", "values"};
  AVFLOW_CONTRACT(kIn);

  void process(Context& ctx) override {
    std::lock_guard<std::mutex> lock(mu());
    store().push_back(ctx.input(kIn).value);
  }
  static std::vector<int64_t> take() {
    std::lock_guard<std::mutex> lock(mu());
    return std::exchange(store(), {});
  }

 private:
  static std::mutex& mu() {
    static std::mutex m;
    return m;
  }
  static std::vector<int64_t>& store() {
    static std::vector<int64_t> v;
    return v;
  }
};

// A registry holding only the test's own collecting sink, "test_collect".
inline void add_test_ops(Registry& registry) {
  registry.add<CollectValues>("test_collect", "collects fixture values", "test binary");
}

// The message of the GraphError `f` throws; fails the test when it throws
// nothing or something else.
template <class F>
std::string graph_error_of(F&& f) {
  try {
    f();
  } catch (const GraphError& e) {
    return e.what();
  }
  throw std::runtime_error("expected a GraphError, got none");
}

}  // namespace avflow::test
