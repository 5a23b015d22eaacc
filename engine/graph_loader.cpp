#include "engine/graph_loader.h"

namespace avflow {
namespace {

ResolvedGraph finish_loading(GraphSpec spec, const std::vector<std::string>& overrides, PluginLoader& plugins,
                             const Registry& registry) {
  std::vector<Override> parsed;
  std::vector<Diagnostic> errors;
  for (size_t i = 0; i < overrides.size(); ++i) {
    try {
      parsed.push_back(parse_override(overrides[i], static_cast<int>(i + 1)));
    } catch (const GraphError& e) {
      errors.insert(errors.end(), e.diagnostics().begin(), e.diagnostics().end());
    }
  }
  if (!errors.empty()) throw GraphError(std::move(errors));
  apply_overrides(spec, parsed);
  for (const auto& ref : spec.plugins) plugins.load(ref);
  return validate(spec, registry);
}

}  // namespace

ResolvedGraph load_graph(const std::string& path, const std::vector<std::string>& overrides,
                         PluginLoader& plugins, const Registry& registry) {
  return finish_loading(load_graph_file(path), overrides, plugins, registry);
}

ResolvedGraph load_graph_text(const std::string& text, const std::string& path,
                              const std::vector<std::string>& overrides, PluginLoader& plugins,
                              const Registry& registry) {
  return finish_loading(parse_graph_string(text, path), overrides, plugins, registry);
}

}  // namespace avflow
