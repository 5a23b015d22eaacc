// Plugin loading: dlopen, ABI check, staged registration.
//
// A graph names plugins in `plugins = [...]`: a path (relative to the graph
// file) or a bare name searched in the plugin directories, which are the
// entries of AVFLOW_PLUGIN_PATH followed by the built-in plugin directory.
// Nothing is ever looked up in the current directory implicitly, and a bare
// name never reaches dlopen's own search. Every error names the library.
#pragma once

#include <deque>
#include <string>
#include <vector>

#include "engine/diagnostics.h"
#include "engine/graph_spec.h"
#include "engine/registry.h"

namespace avflow {

struct LoadedPlugin {
  std::string path;  // canonical
  std::string name;
  std::string version;
  std::vector<std::string> operators;
  std::vector<std::string> extensions;  // "kind/name"
};

class PluginLoader {
 public:
  // `builtin_dir` is the directory of the project's own plugins (may be
  // empty); AVFLOW_PLUGIN_PATH is read here.
  explicit PluginLoader(Registry& registry, std::string builtin_dir = {});

  // Directories searched for bare plugin names, in order.
  const std::vector<std::string>& search_dirs() const { return dirs_; }

  // Loads every plugin file in AVFLOW_PLUGIN_PATH (files, or directories of
  // *.so) and in the built-in directory. Shared libraries without the entry
  // point are skipped in directories; anything else that fails is an error.
  void load_search_path();

  // Resolves and loads one plugin named by a graph. Throws GraphError.
  const LoadedPlugin& load(const PluginRef& ref);
  // Loads a plugin file by path. Throws GraphError naming it.
  const LoadedPlugin& load_file(const std::string& path, const SourceLocation& where);
  // Finds the file a bare name or relative path refers to. Throws GraphError.
  std::string resolve(const PluginRef& ref) const;

  const std::deque<LoadedPlugin>& loaded() const { return loaded_; }

 private:
  const LoadedPlugin* try_load(const std::string& path, const SourceLocation& where, bool skip_non_plugins);

  Registry& registry_;
  std::vector<std::string> dirs_;
  std::vector<std::string> env_entries_;
  std::deque<LoadedPlugin> loaded_;  // stable references
};

}  // namespace avflow
