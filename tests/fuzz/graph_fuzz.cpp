// Fuzz target: a graph file through the whole loading path -- TOML parsing,
// include = [...] (two part files beside it, one including the other),
// --set overrides, plugin references and validation against a registry of
// the engine's test operators (every parameter type, every node shape).
//
// Input: the graph's TOML; leading lines "#set node.param=value" (TOML
// comments, so the file still parses) are passed as overrides.
// Must hold: load_graph_text returns a graph or throws GraphError; nothing
// else escapes, nothing crashes.
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "engine/diagnostics.h"
#include "engine/graph_loader.h"
#include "engine/log.h"
#include "engine/plugin_loader.h"
#include "engine/registry.h"
#include "tests/fuzz/fuzz_files.h"
#include "tests/support/test_operators.h"

namespace {

constexpr char kPart[] = R"(include = ["settings.toml"]
[[node]]
name = "part_src"
op = "test_counter"
count = 3
)";

constexpr char kSettings[] = R"([graph]
name = "from-part"
max_in_flight = 3
)";

std::vector<std::string> overrides_of(std::string_view text) {
  std::vector<std::string> out;
  while (text.substr(0, 5) == "#set ") {
    const size_t eol = text.find('\n');
    out.emplace_back(text.substr(5, eol == std::string_view::npos ? text.npos : eol - 5));
    if (eol == std::string_view::npos) break;
    text.remove_prefix(eol + 1);
  }
  return out;
}

}  // namespace

extern "C" int LLVMFuzzerInitialize(int*, char***) {
  avflow::log::set_level(avflow::log::Level::error);
  return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  static const avflow::fuzz::ScratchDir dir;
  static const std::string graph_path = [] {
    dir.write("parts/part.toml", kPart);
    dir.write("parts/settings.toml", kSettings);
    return (dir.path() / "graph.toml").string();
  }();
  const std::string text(reinterpret_cast<const char*>(data), size);
  avflow::PluginLoader plugins(avflow::Registry::global());
  try {
    avflow::load_graph_text(text, graph_path, overrides_of(text), plugins, avflow::Registry::global());
  } catch (const avflow::GraphError&) {
    // the expected answer to a bad graph: diagnostics naming file and line
  }
  return 0;
}
