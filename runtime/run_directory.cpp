#include "runtime/run_directory.h"

#include <filesystem>
#include <fstream>
#include <variant>

#include "engine/atomic_file.h"
#include "engine/registry.h"

namespace avflow::cli {

namespace {

// Parameter values as TOML text (exact: doubles round-trip, strings escaped).
std::string toml_string(const std::string& s) { return format_value(ParamValue(s)); }

std::string replace_all(std::string text, const std::string& from, const std::string& to) {
  for (size_t at = text.find(from); at != std::string::npos; at = text.find(from, at + to.size()))
    text.replace(at, from.size(), to);
  return text;
}

}  // namespace

size_t substitute_run_dir(ResolvedGraph& graph, const std::string& dir) {
  size_t changed = 0;
  if (std::string& folder = graph.settings.checkpoints; folder.find(kRunDirPlaceholder) != std::string::npos) {
    folder = replace_all(folder, kRunDirPlaceholder, dir);
    ++changed;
  }
  for (auto& node : graph.nodes) {
    std::vector<std::pair<std::string, ParamValue>> updates;
    for (const auto& [name, value] : node.params.all()) {
      if (const auto* s = std::get_if<std::string>(&value)) {
        if (s->find(kRunDirPlaceholder) != std::string::npos)
          updates.emplace_back(name, replace_all(*s, kRunDirPlaceholder, dir));
      } else if (const auto* list = std::get_if<std::vector<std::string>>(&value)) {
        std::vector<std::string> out;
        for (const auto& item : *list) out.push_back(replace_all(item, kRunDirPlaceholder, dir));
        if (out != *list) updates.emplace_back(name, out);
      }
    }
    for (auto& [name, value] : updates) node.params.set(name, std::move(value));
    changed += updates.size();
  }
  return changed;
}

std::string resolved_graph_toml(const ResolvedGraph& graph, const std::vector<std::string>& overrides,
                                const std::vector<std::string>& plugins) {
  std::string t = "# Written by avflow run: " + graph.file +
                  " resolved (includes merged, [set] lines and --set overrides applied, every\n"
                  "# parameter written out). Run it again with: avflow run <this file>\n";
  t += kOverridesPrefix;
  for (size_t i = 0; i < overrides.size(); ++i) t += (i ? " " : "") + overrides[i];
  t += "\n\n";
  if (!plugins.empty()) {
    std::vector<std::string> absolute;
    for (const auto& p : plugins) absolute.push_back(std::filesystem::absolute(p).string());
    t += "plugins = " + format_value(ParamValue(absolute)) + "\n\n";
  }
  t += "[graph]\nname = " + toml_string(graph.settings.name) + "\ndoc = " + toml_string(graph.settings.doc) +
       "\nmax_in_flight = " + std::to_string(graph.settings.max_in_flight) + "\n";
  if (!graph.settings.checkpoints.empty()) t += "checkpoints = " + toml_string(graph.settings.checkpoints) + "\n";
  for (const auto& node : graph.nodes) {
    t += "\n[[node]]\nname = " + toml_string(node.name) + "\nop = " + toml_string(node.op->name) + "\n";
    for (const auto& [name, value] : node.params.all()) t += name + " = " + format_value(value) + "\n";
  }
  for (const auto& edge : graph.edges) {
    const ResolvedNode& from = graph.nodes[edge.from_node];
    const ResolvedNode& to = graph.nodes[edge.to_node];
    t += "\n[[edge]]\nfrom = " + toml_string(from.name + "." + from.op->contract.outputs[edge.from_port].name) +
         "\nto = " + toml_string(to.name + "." + to.op->contract.inputs[edge.to_port].name) + "\n";
  }
  return t;
}

void write_run_directory(const std::string& dir, const ResolvedGraph& graph, const std::vector<std::string>& overrides,
                         const std::vector<std::string>& plugins) {
  namespace fs = std::filesystem;
  std::error_code ec;
  fs::create_directories(dir, ec);
  if (ec || !fs::is_directory(dir))
    throw std::runtime_error("cannot create the run directory '" + dir + "'" + (ec ? ": " + ec.message() : ""));
  write_text_atomically(fs::path(dir) / kResolvedGraphFile, resolved_graph_toml(graph, overrides, plugins));
}

}  // namespace avflow::cli
