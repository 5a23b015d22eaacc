// Live latency: graphs/live_eval.toml on the demo stream, end to end. A demo
// clip (`avflow demo-datasets`, MJPEG + PCM, 25 fps) is served over RTSP on
// 127.0.0.1 by the test helper rtsp_test_server, in real time; `avflow run`
// classifies it with a fresh tiny classifier (tiny_classifier) for a while
// per configuration, and the JSON lines it writes give the latency from the
// arrival of each snippet's last frame to its result. Prints one table:
// median and p95 latency, and snippets classified per second of stream.
//
//   bench_live_latency [seconds_per_row]      # default 12
//
// Needs the avflow program and the helpers of the runtime tests built in the
// same build folder (ninja avflow rtsp_test_server tiny_classifier).
#include <signal.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <regex>
#include <string>
#include <thread>
#include <vector>

#include "runtime/free_port.h"
#include "tests/support/process.h"

namespace {

namespace fs = std::filesystem;
using avflow::test::BackgroundProcess;
using avflow::test::run_process;
using avflow::test::slurp;

double quantile(std::vector<double> v, double q) {
  if (v.empty()) return std::nan("");
  std::sort(v.begin(), v.end());
  const auto rank = static_cast<size_t>(std::ceil(q * static_cast<double>(v.size())));
  return v[std::min(v.size() - 1, rank == 0 ? 0 : rank - 1)];
}

struct Row {
  const char* name;
  std::vector<std::string> sets;
};

}  // namespace

int main(int argc, char** argv) {
  const double seconds = argc > 1 ? std::atof(argv[1]) : 12.0;
  const std::string bin = AVFLOW_BINARY_DIR, src = AVFLOW_SOURCE_DIR;
  const std::string avflow = bin + "/avflow", helpers = bin + "/tests/runtime";
  const fs::path dir = fs::temp_directory_path() / ("avflow-bench-live-" + std::to_string(getpid()));
  fs::create_directories(dir);
  if (run_process({avflow, "demo-datasets", (dir / "ds").string(), "--classes", "2", "--clips", "1", "--seconds", "60"})
              .exit_code != 0 ||
      run_process({helpers + "/tiny_classifier", (dir / "classifier").string(), "3"}).exit_code != 0) {
    std::fprintf(stderr, "bench_live_latency: cannot make the demo clip or the classifier (build avflow and the test helpers)\n");
    return 1;
  }
  std::string clip;
  for (const auto& e : fs::recursive_directory_iterator(dir / "ds" / "ucf101"))
    if (e.path().extension() == ".avi") clip = e.path().string();

  const std::vector<Row> rows = {
      {"16 frames, hop 8, short side 64", {"source.short_side=64"}},
      {"16 frames, hop 8, short side 128", {"source.short_side=128"}},
      {"16 frames, hop 4, short side 128", {"source.short_side=128", "source.hop=4"}},
      {"16 frames, hop 8, 128, audio on", {"source.short_side=128", "source.audio=true"}},
  };
  std::printf("live latency, frame arrival -> result, graphs/live_eval.toml over RTSP on 127.0.0.1 (%.0f s per row)\n",
              seconds);
  std::printf("%-36s %8s %12s %12s %14s\n", "configuration", "results", "median_ms", "p95_ms", "snippets/s");
  const std::regex latency(R"("latency_ms":([-0-9.e+]+))");
  for (const Row& row : rows) {
    const int port = avflow::cli::free_local_port();
    BackgroundProcess server({helpers + "/rtsp_test_server", "--port", std::to_string(port), "--file", clip});
    std::this_thread::sleep_for(std::chrono::milliseconds(500));
    const std::string results = (dir / "results.jsonl").string();
    std::vector<std::string> args = {avflow, "run", src + "/graphs/live_eval.toml", "--progress", "never",
                                     "--set", "source.uri=rtsp://127.0.0.1:" + std::to_string(port) + "/stream",
                                     "--set", "classify.classifier=" + (dir / "classifier").string(),
                                     "--set", "results.path=" + results, "--set", "results.port=-1"};
    for (const auto& s : row.sets) {
      args.push_back("--set");
      args.push_back(s);
    }
    BackgroundProcess graph(args);
    std::this_thread::sleep_for(std::chrono::duration<double>(seconds));
    graph.signal(SIGTERM);
    graph.wait(30);
    server.signal(SIGTERM);
    server.wait(10);
    std::vector<double> ms;
    const std::string text = slurp(results);
    for (auto it = std::sregex_iterator(text.begin(), text.end(), latency); it != std::sregex_iterator(); ++it)
      ms.push_back(std::stod((*it)[1]));
    std::printf("%-36s %8zu %12.1f %12.1f %14.2f\n", row.name, ms.size(), quantile(ms, 0.5), quantile(ms, 0.95),
                static_cast<double>(ms.size()) / seconds);
  }
  std::error_code ec;
  fs::remove_all(dir, ec);
  return 0;
}
