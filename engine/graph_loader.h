// The whole path from a graph file to a graph ready to run: read the TOML
// (and its includes), apply --set overrides, load the plugins it names, and
// validate it against the registry. Every step reports with file:line:column
// and node; nothing executes before all of it has passed.
#pragma once

#include <string>
#include <vector>

#include "engine/plugin_loader.h"
#include "engine/validate.h"

namespace avflow {

// `overrides` are "node.param=value" strings as given to --set. Throws
// GraphError.
ResolvedGraph load_graph(const std::string& path, const std::vector<std::string>& overrides,
                         PluginLoader& plugins, const Registry& registry);

// Same, from TOML text; `path` names it in diagnostics.
ResolvedGraph load_graph_text(const std::string& text, const std::string& path,
                              const std::vector<std::string>& overrides, PluginLoader& plugins,
                              const Registry& registry);

}  // namespace avflow
