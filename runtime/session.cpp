#include "runtime/session.h"

#include <unistd.h>

#include <cstdio>
#include <filesystem>

#include "engine/log.h"

namespace avflow::cli {

// plugins/ beside the program in a build tree; lib/avflow/plugins in an
// installed one (cmake/install.cmake).
std::string builtin_plugin_dir() {
  std::error_code ec;
  auto exe = std::filesystem::read_symlink("/proc/self/exe", ec);
  if (ec) return {};
  const auto installed = exe.parent_path().parent_path() / "lib" / "avflow" / "plugins";
  if (!std::filesystem::is_directory(exe.parent_path() / "plugins") && std::filesystem::is_directory(installed, ec))
    return installed.string();
  return (exe.parent_path() / "plugins").string();
}

Session::Session(const Args& args) : plugins_(Registry::global(), builtin_plugin_dir()) {
  if (auto level = args.option("--log-level")) {
    log::Level l;
    if (!log::parse_level(*level, l))
      throw UsageError("--log-level must be error, warn, info, debug or trace, not '" + *level + "'");
    log::set_level(l);
  }
  plugins_.load_search_path();
  for (const auto& p : args.plugins) plugins_.load_file(p, SourceLocation{"--plugin " + p});
}

ResolvedGraph Session::load(const Args& args) {
  if (args.positional.empty()) throw UsageError("'avflow " + args.command + "' needs a GRAPH file");
  if (args.positional.size() > 1)
    throw UsageError("'avflow " + args.command + "' takes one GRAPH, got '" + args.positional[1] +
                     "' too (options go as --set NODE.PARAM=VALUE)");
  return load_graph(args.positional[0], args.sets, plugins_, Registry::global());
}

void print_diagnostics(const GraphError& e) {
  for (const auto& d : e.diagnostics()) std::fprintf(stderr, "%s\n", d.str().c_str());
  std::fprintf(stderr, "%zu error%s; nothing was run\n", e.diagnostics().size(),
               e.diagnostics().size() == 1 ? "" : "s");
}

}  // namespace avflow::cli
