// Runs a graph given as TOML text, for operator tests.
#pragma once

#include <string>
#include <vector>

#include "engine/executor.h"
#include "engine/graph_loader.h"

namespace avflow::test {

inline RunResult run_graph_text(const std::string& toml, const std::vector<std::string>& sets = {}) {
  PluginLoader plugins(Registry::global());
  ResolvedGraph g = load_graph_text(toml, "test.toml", sets, plugins, Registry::global());
  Executor ex(g);
  return ex.run();
}

inline std::string node_toml(const std::string& name, const std::string& op, const std::string& params = "") {
  return "[[node]]\nname = \"" + name + "\"\nop = \"" + op + "\"\n" + params + "\n";
}
inline std::string edge_toml(const std::string& from, const std::string& to) {
  return "[[edge]]\nfrom = \"" + from + "\"\nto = \"" + to + "\"\n";
}

}  // namespace avflow::test
