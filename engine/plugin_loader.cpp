#include "engine/plugin_loader.h"

#include <dlfcn.h>

#include <algorithm>
#include <cstdlib>
#include <filesystem>

#include "engine/log.h"
#include "engine/plugin_api.h"

namespace avflow {
namespace fs = std::filesystem;

namespace {

[[noreturn]] void fail(const SourceLocation& where, const std::string& msg) {
  throw GraphError({{where, "", msg}});
}

std::vector<std::string> split_path_list(const char* text) {
  std::vector<std::string> out;
  if (!text) return out;
  std::string s(text);
  size_t start = 0;
  while (start <= s.size()) {
    size_t end = s.find(':', start);
    if (end == std::string::npos) end = s.size();
    out.push_back(s.substr(start, end - start));
    start = end + 1;
  }
  return out;
}

bool is_shared_library(const fs::path& p) { return p.extension() == ".so"; }

}  // namespace

PluginLoader::PluginLoader(Registry& registry, std::string builtin_dir) : registry_(registry) {
  for (auto& entry : split_path_list(std::getenv("AVFLOW_PLUGIN_PATH"))) {
    // An empty entry conventionally means "the current directory"; we never
    // search there implicitly.
    if (entry.empty()) continue;
    std::error_code ec;
    std::string abs = fs::absolute(entry, ec).lexically_normal().string();
    env_entries_.push_back(abs);
    if (fs::is_directory(abs)) dirs_.push_back(abs);
  }
  if (!builtin_dir.empty() && fs::is_directory(builtin_dir)) dirs_.push_back(builtin_dir);
}

void PluginLoader::load_search_path() {
  std::vector<std::string> candidates;
  auto scan = [&](const std::string& dir) {
    std::vector<std::string> files;
    for (const auto& e : fs::directory_iterator(dir))
      if (e.is_regular_file() && is_shared_library(e.path())) files.push_back(e.path().string());
    std::sort(files.begin(), files.end());
    candidates.insert(candidates.end(), files.begin(), files.end());
  };
  for (const auto& entry : env_entries_) {
    if (fs::is_directory(entry)) scan(entry);
    else if (fs::is_regular_file(entry)) try_load(entry, {"AVFLOW_PLUGIN_PATH"}, false);
    else AVFLOW_LOG(warn) << "AVFLOW_PLUGIN_PATH entry '" << entry << "' does not exist";
  }
  if (dirs_.size() > 0 && std::find(env_entries_.begin(), env_entries_.end(), dirs_.back()) == env_entries_.end())
    scan(dirs_.back());  // the built-in directory
  for (const auto& path : candidates) try_load(path, {path}, true);
}

std::string PluginLoader::resolve(const PluginRef& ref) const {
  const std::string& e = ref.entry;
  if (e.find('/') != std::string::npos) {
    fs::path p = fs::path(e).is_absolute() ? fs::path(e) : fs::path(ref.base_dir) / e;
    if (!fs::exists(p)) fail(ref.where, "plugin library '" + p.string() + "' does not exist");
    return p.lexically_normal().string();
  }
  std::vector<std::string> names = {e, "lib" + e + ".so", e + ".so", "libavflow_" + e + ".so"};
  for (const auto& dir : dirs_)
    for (const auto& n : names)
      if (fs::is_regular_file(fs::path(dir) / n)) return (fs::path(dir) / n).string();
  std::string where_looked;
  for (const auto& d : dirs_) where_looked += (where_looked.empty() ? "" : ", ") + d;
  fail(ref.where, "plugin '" + e + "' not found in the plugin directories (" +
                      (where_looked.empty() ? std::string("none") : where_looked) +
                      "); give a path containing '/' or add its directory to AVFLOW_PLUGIN_PATH");
}

const LoadedPlugin& PluginLoader::load(const PluginRef& ref) { return load_file(resolve(ref), ref.where); }

const LoadedPlugin& PluginLoader::load_file(const std::string& path, const SourceLocation& where) {
  return *try_load(path, where, false);
}

const LoadedPlugin* PluginLoader::try_load(const std::string& path_in, const SourceLocation& where,
                                           bool skip_non_plugins) {
  std::error_code ec;
  std::string path = fs::canonical(path_in, ec).string();
  if (ec) fail(where, "plugin library '" + path_in + "' does not exist");
  for (const auto& p : loaded_)
    if (p.path == path) return &p;

  // Always an absolute path, so dlopen never searches on its own.
  void* handle = dlopen(path.c_str(), RTLD_NOW | RTLD_LOCAL);
  if (!handle) {
    const char* why = dlerror();
    fail(where, "cannot load plugin library '" + path + "': " + (why ? why : "unknown dlopen error"));
  }
  using Entry = const avflow_plugin_descriptor* (*)();
  auto entry = reinterpret_cast<Entry>(dlsym(handle, AVFLOW_PLUGIN_ENTRY_SYMBOL));
  if (!entry) {
    if (skip_non_plugins) {
      AVFLOW_LOG(debug) << "skipping '" << path << "': not an avflow plugin (no " AVFLOW_PLUGIN_ENTRY_SYMBOL ")";
      dlclose(handle);
      return nullptr;
    }
    dlclose(handle);
    fail(where, "'" + path + "' is not an avflow plugin: it has no '" AVFLOW_PLUGIN_ENTRY_SYMBOL
                "' symbol (define one with AVFLOW_PLUGIN)");
  }
  const avflow_plugin_descriptor* d = entry();
  if (!d || d->abi_version != kPluginAbiVersion) {
    // The library stays loaded: unloading code that may have run static
    // constructors is riskier than keeping it.
    fail(where, "plugin '" + path + "' was built for avflow plugin ABI " +
                    std::to_string(d ? d->abi_version : -1) + ", this avflow has ABI " +
                    std::to_string(kPluginAbiVersion) + "; rebuild it against this avflow");
  }
  Registrar registrar(path);
  char error[1024] = {0};
  if (d->register_operators(&registrar, error, sizeof error) != 0)
    fail(where, "plugin '" + path + "' (" + (d->name ? d->name : "unnamed") +
                    ") failed to register its operators: " + error);
  for (size_t i = 0; i < registrar.staged().size(); ++i) {
    const OperatorInfo& op = registrar.staged()[i];
    // A name staged twice would make the commit below throw half-way through.
    for (size_t j = 0; j < i; ++j)
      if (registrar.staged()[j].name == op.name)
        fail(where, "plugin '" + path + "' registers operator '" + op.name + "' twice");
    if (const OperatorInfo* existing = registry_.find(op.name))
      fail(where, "plugin '" + path + "' registers operator '" + op.name + "', already registered by " +
                      existing->origin);
  }
  auto& exts = registrar.staged_extensions();
  for (size_t i = 0; i < exts.size(); ++i) {
    const std::string id = exts[i].kind + " '" + exts[i].name + "'";
    for (size_t j = 0; j < i; ++j)
      if (exts[j].kind == exts[i].kind && exts[j].name == exts[i].name)
        fail(where, "plugin '" + path + "' registers " + id + " twice");
    if (!exts[i].object) fail(where, "plugin '" + path + "' registers " + id + " without an object");
    if (const ExtensionInfo* existing = registry_.find_extension(exts[i].kind, exts[i].name))
      fail(where, "plugin '" + path + "' registers " + id + ", already registered by " + existing->origin);
  }
  LoadedPlugin loaded{path, d->name ? d->name : "", d->version ? d->version : "", {}, {}};
  for (auto& op : registrar.staged()) {
    loaded.operators.push_back(op.name);
    registry_.add(std::move(op));
  }
  for (auto& e : exts) {
    loaded.extensions.push_back(e.kind + "/" + e.name);
    registry_.add_extension(std::move(e));
  }
  AVFLOW_LOG(debug) << "loaded plugin '" << loaded.name << "' " << loaded.version << " from " << path << " ("
                    << loaded.operators.size() << " operators, " << loaded.extensions.size() << " extensions)";
  loaded_.push_back(std::move(loaded));
  return &loaded_.back();
}

}  // namespace avflow
