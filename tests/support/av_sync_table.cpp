// av_sync_table: writes every clap-and-flash case (av_sync.h) into a folder,
// decodes each as `prepare` does (25 fps, 48 kHz mono) and prints the
// offset between each flash and its click, one row a case.
//
//   av_sync_table [FOLDER] [--case NAME]   (default: a folder under the system's temp; every case)
#include <cstdio>
#include <exception>
#include <filesystem>

#include "tests/support/av_sync.h"

using namespace avflow;

int main(int argc, char** argv) {
  std::filesystem::path dir = std::filesystem::temp_directory_path() / "avflow-av-sync";
  std::string only;
  for (int i = 1; i < argc; ++i) {
    const std::string a = argv[i];
    if (a == "--case" && i + 1 < argc)
      only = argv[++i];
    else
      dir = a;
  }
  std::filesystem::create_directories(dir);
  media::DecodeSettings settings;
  settings.fps = 25;
  settings.sample_rate = 48000;
  settings.short_side = 0;
  std::printf("%-26s %8s %9s %10s %10s %8s %9s\n", "case", "flashes", "in place", "mean ms", "worst ms", "frames",
              "samples");
  int failures = 0;
  for (const auto& c : test::sync_cases()) {
    if (!only.empty() && c.name != only) continue;
    try {
      const auto file = test::write_sync_case(dir, c);
      const auto r = test::check_sync(file.string(), c.spec, settings);
      std::printf("%-26s %4zu/%-3lld %5lld/%-3lld %10.2f %10.2f %8lld %9lld%s\n", c.name.c_str(), r.sync.pairs.size(),
                  static_cast<long long>(r.flashes_expected), static_cast<long long>(r.flashes_in_place),
                  static_cast<long long>(r.flashes_expected), r.sync.mean_ms(), r.sync.worst_ms(),
                  static_cast<long long>(r.frames), static_cast<long long>(r.samples), c.bounded ? "" : "  (not bounded)");
      if (r.flashes_in_place != r.flashes_expected)  // where the flashes went
        for (const auto& p : r.sync.pairs)
          std::printf("%28s flash at frame %lld (%.3f s), click at %.4f s\n", "", static_cast<long long>(p.frame), p.flash_s,
                      p.click_s);
    } catch (const std::exception& e) {
      std::printf("%-26s failed: %s\n", c.name.c_str(), e.what());
      ++failures;
    }
  }
  return failures == 0 ? 0 : 1;
}
