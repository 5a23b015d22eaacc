#include <chrono>
#include <cstdio>
#include <stdexcept>

#include "libs/demo/demo_datasets.h"
#include "runtime/commands.h"
#include "runtime/exit_codes.h"

namespace avflow::cli {

int demo_datasets_command(const Args& args) {
  if (args.positional.size() != 1) throw UsageError("needs one OUT_DIR (and nothing else)");
  demo::DemoDatasetOptions o;
  o.seed = static_cast<uint64_t>(numeric_option(args, "--seed", 0, 0, 9007199254740992.0, true));
  o.classes = static_cast<int>(numeric_option(args, "--classes", o.classes, 2, 12, true));
  o.clips_per_class = static_cast<int>(numeric_option(args, "--clips", o.clips_per_class, 1, 1000, true));
  o.seconds = numeric_option(args, "--seconds", o.seconds, 0.2, 60, false);
  o.motion_only = args.flag("--motion-only");
  const std::filesystem::path out = args.positional[0];
  try {
    for (const char* name : {"ucf101", "hmdb51", "esc50"}) {
      const auto started = std::chrono::steady_clock::now();
      const std::string set(name);
      const int files = set == "ucf101"   ? demo::write_demo_ucf101(out / set, o)
                        : set == "hmdb51" ? demo::write_demo_hmdb51(out / set, o)
                                          : demo::write_demo_esc50(out / set, o);
      std::fprintf(stderr, "%s: %d files in %s (%.1f s)\n", name, files, (out / set).c_str(),
                   std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count());
    }
  } catch (const std::exception& e) {
    std::fprintf(stderr, "avflow demo-datasets: %s\n", e.what());
    return kExitRunFailed;
  }
  return kExitOk;
}

}  // namespace avflow::cli
