// Prepare's memory on long titles: the peak resident memory of
// `avflow run graphs/prepare.toml` on one-title demo catalogues of growing
// length (avflow demo-catalogue: VP8 + Vorbis, scene cuts), each prepared
// from scratch. Decoding keeps a bounded read-ahead per stream and the scene
// detector one histogram per shot, so the peak should not grow with the
// title: the last column is each row's peak over the shortest title's.
//
//   bench_prepare_memory [MINUTES...]        # default: 3 30 120
//
// Titles are generated once into $TMPDIR/avflow-bench-prepare-memory and kept
// (a 2-hour title takes about 12 minutes to write on 2 cores). Needs the
// avflow program of the same build folder.
#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <regex>
#include <string>
#include <vector>

#include "bench/child_process.h"

namespace fs = std::filesystem;
using avflow::bench::ChildProcess;

namespace {

// The number after "key": in the first line of `path` holding it; -1 if none.
double report_value(const fs::path& path, const std::string& key) {
  std::ifstream in(path);
  const std::regex pattern("\"" + key + "\":([-0-9.e+]+)");
  std::smatch m;
  for (std::string line; std::getline(in, line);)
    if (std::regex_search(line, m, pattern)) return std::stod(m[1]);
  return -1;
}

}  // namespace

int main(int argc, char** argv) {
  std::vector<std::string> minutes;
  for (int i = 1; i < argc; ++i) minutes.push_back(argv[i]);
  if (minutes.empty()) minutes = {"3", "30", "120"};
  const std::string avflow = std::string(AVFLOW_BINARY_DIR) + "/avflow";
  const std::string graph = std::string(AVFLOW_SOURCE_DIR) + "/graphs/prepare.toml";
  const fs::path dir = fs::temp_directory_path() / "avflow-bench-prepare-memory";
  fs::create_directories(dir);

  std::printf("prepare, peak resident memory against title length (graphs/prepare.toml, one title, from scratch)\n");
  std::printf("%10s %10s %10s %12s %14s %10s\n", "minutes", "snippets", "shard_MB", "prepare_s", "peak_RSS_MB",
              "vs_first");
  double first = 0;
  for (const std::string& m : minutes) {
    const fs::path data = dir / ("title-" + m + "min"), out = dir / "prepared", report = dir / "report.jsonl";
    {
      ChildProcess made({avflow, "demo-catalogue", data.string(), "--minutes", m, "--movies", "1", "--shows", "0"},
                        (dir / "demo-catalogue.log").string());
      if (made.wait().exit_code != 0) {
        std::fprintf(stderr, "bench_prepare_memory: demo-catalogue failed, see %s\n", (dir / "demo-catalogue.log").c_str());
        return 1;
      }
    }
    fs::remove_all(out);
    fs::remove(report);
    ChildProcess prepare({avflow, "run", graph, "--progress", "never", "--set", "titles.catalogue=" + data.string(),
                          "--set", "titles.split=all", "--set", "prepare.out=" + out.string(), "--set",
                          "report.path=" + report.string()},
                         (dir / "prepare.log").string());
    const auto done = prepare.wait();
    if (done.exit_code != 0) {
      std::fprintf(stderr, "bench_prepare_memory: prepare failed, see %s\n", (dir / "prepare.log").c_str());
      return 1;
    }
    if (first == 0) first = done.peak_rss_mb;
    std::printf("%10s %10.0f %10.0f %12.1f %14.0f %10.2f\n", m.c_str(), report_value(report, "snippets"),
                report_value(report, "megabytes"), done.seconds, done.peak_rss_mb, done.peak_rss_mb / first);
    std::fflush(stdout);
  }
  fs::remove_all(dir / "prepared");
  return 0;
}
