// Live input behind a slow graph: the resident memory of `avflow run` reading
// an endless RTSP stream (the runtime tests' rtsp_test_server --endless:
// 320x240 MJPEG at 25 fps and 48 kHz audio, on 127.0.0.1) into live_snippets
// (a snippet every 0.8 s) while a throttle stage takes one every 2 s. The
// source drops what the graph cannot take, so memory should level off within
// the first minute: the table gives it once a minute, and each row over the
// first.
//
//   bench_live_memory [MINUTES]              # default 10
//
// Needs the avflow program and the runtime tests' helpers of the same build
// folder (ninja avflow rtsp_test_server).
#include <signal.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <string>
#include <thread>

#include "bench/child_process.h"
#include "runtime/free_port.h"

namespace fs = std::filesystem;
using avflow::bench::ChildProcess;

namespace {

const char* kGraph = R"(
[graph]
name = "live_memory"
doc = "an endless live stream into a graph slower than it"
max_in_flight = 4

[[node]]
name = "source"
op = "live_snippets"
frames = 16
fps = 5.0
hop = 4
short_side = 128
audio = true

[[node]]
name = "frames"
op = "live_frames"

[[node]]
name = "slow"
op = "throttle"
delay_ms = 2000

[[node]]
name = "count"
op = "count"

[[edge]]
from = "source.snippet"
to = "frames.snippet"

[[edge]]
from = "frames.video"
to = "slow.in"

[[edge]]
from = "slow.out"
to = "count.in"
)";

}  // namespace

int main(int argc, char** argv) {
  const int minutes = argc > 1 ? std::atoi(argv[1]) : 10;
  const std::string bin = AVFLOW_BINARY_DIR;
  const fs::path dir = fs::temp_directory_path() / ("avflow-bench-live-memory-" + std::to_string(getpid()));
  fs::create_directories(dir);
  std::ofstream(dir / "graph.toml") << kGraph;
  const int port = avflow::cli::free_local_port();
  ChildProcess server({bin + "/tests/runtime/rtsp_test_server", "--port", std::to_string(port), "--endless"},
                      (dir / "server.log").string());
  std::this_thread::sleep_for(std::chrono::seconds(1));
  ChildProcess run({bin + "/avflow", "run", (dir / "graph.toml").string(), "--progress", "never", "--set",
                    "source.uri=rtsp://127.0.0.1:" + std::to_string(port) + "/stream"},
                   (dir / "run.log").string());

  std::printf("live stream behind a slow graph: resident memory of avflow run, %d minutes\n", minutes);
  std::printf("%8s %10s %12s %10s\n", "minute", "RSS_MB", "peak_RSS_MB", "vs_first");
  double first = 0, peak = 0;
  const auto start = std::chrono::steady_clock::now();
  for (int m = 1; m <= minutes; ++m) {
    // Sampled every second, so the peak between rows is seen too.
    while (std::chrono::steady_clock::now() - start < std::chrono::minutes(m)) {
      peak = std::max(peak, run.rss_mb());
      std::this_thread::sleep_for(std::chrono::seconds(1));
    }
    const double now = run.rss_mb();
    if (now == 0) {
      std::fprintf(stderr, "bench_live_memory: the run ended early, see %s\n", (dir / "run.log").c_str());
      return 1;
    }
    if (first == 0) first = now;
    std::printf("%8d %10.0f %12.0f %10.2f\n", m, now, peak, now / first);
    std::fflush(stdout);
  }
  run.signal(SIGTERM);
  run.wait();
  server.signal(SIGTERM);
  server.wait();
  std::ifstream log(dir / "run.log");
  for (std::string line; std::getline(log, line);)
    if (line.find("skipped") != std::string::npos || line.find("count:") != std::string::npos)
      std::printf("  %s\n", line.c_str());
  fs::remove_all(dir);
  return 0;
}
