#include <chrono>
#include <cmath>
#include <cstdio>
#include <limits>
#include <stdexcept>

#include "libs/demo/demo_writer.h"
#include "runtime/commands.h"
#include "runtime/exit_codes.h"

namespace avflow::cli {

int demo_catalogue_command(const Args& args) {
  if (args.positional.size() != 1) throw UsageError("needs one OUT_DIR (and nothing else)");
  demo::DemoCatalogueOptions o;
  o.seed = static_cast<uint64_t>(numeric_option(args, "--seed", 0, 0, 9007199254740992.0, true));
  o.movies = static_cast<int>(numeric_option(args, "--movies", o.movies, 0, 1000, true));
  o.shows = static_cast<int>(numeric_option(args, "--shows", o.shows, 0, 1000, true));
  o.episodes = static_cast<int>(numeric_option(args, "--episodes", o.episodes, 1, 1000, true));
  o.minutes = numeric_option(args, "--minutes", o.minutes, 0.01, 600, false);
  o.arrow_of_time = args.flag("--arrow-of-time");
  const auto started = std::chrono::steady_clock::now();
  try {
    auto report = demo::write_demo_catalogue(args.positional[0], o, [](const demo::DemoProgress& p) {
      std::fprintf(stderr, "[%zu/%zu] %-28s %s (%.1f s)\n", p.index, p.total, p.title.path.c_str(),
                   p.skipped ? "already there" : "written", p.seconds);
    });
    const double took = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
    std::fprintf(stderr, "demo catalogue in %s: %zu titles written, %zu already there, %.1f s; manifest %s/catalogue.toml\n",
                 args.positional[0].c_str(), report.written, report.skipped, took, args.positional[0].c_str());
  } catch (const std::exception& e) {
    std::fprintf(stderr, "avflow demo-catalogue: %s\n", e.what());
    return kExitRunFailed;
  }
  return kExitOk;
}

}  // namespace avflow::cli
