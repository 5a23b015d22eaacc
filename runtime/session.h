// What every command does first: set the log level, load plugins (the
// built-in plugin directory, AVFLOW_PLUGIN_PATH, --plugin), and read a graph.
#pragma once

#include <memory>
#include <string>

#include "engine/graph_loader.h"
#include "runtime/cli.h"

namespace avflow::cli {

class Session {
 public:
  // Throws UsageError for a bad --log-level, GraphError for plugin errors.
  explicit Session(const Args& args);

  PluginLoader& plugins() { return plugins_; }
  // Loads and validates the graph named by the first positional argument
  // with the --set overrides. Throws UsageError or GraphError.
  ResolvedGraph load(const Args& args);

 private:
  PluginLoader plugins_;
};

// The directory of the project's own plugins: plugins/ beside the program.
std::string builtin_plugin_dir();

// Prints every diagnostic to stderr, compiler style.
void print_diagnostics(const GraphError& e);

}  // namespace avflow::cli
