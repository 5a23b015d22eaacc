// graphs/live_eval.toml against a real RTSP server on 127.0.0.1: results
// arrive in stream-time order, also over HTTP; the server is killed and
// restarted mid-stream and the run logs the drop, reconnects and goes on;
// SIGTERM ends it with exit code 0 and the latency statistics. A graph
// slower than the stream gets current snippets: the source skips what the
// graph cannot take instead of letting it queue.
#include <arpa/inet.h>
#include <netinet/in.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>

#include <catch2/catch.hpp>
#include <chrono>
#include <filesystem>
#include <memory>
#include <regex>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "runtime/free_port.h"
#include "tests/runtime/cli_fixture.h"

using namespace avflow::test;

namespace {

struct Result {
  long index = 0;
  double start = 0, end = 0;
  long reconnects = 0;
  double latency_ms = 0;
};

std::vector<Result> read_results(const std::string& path) {
  static const std::regex row(
      R"re(\{"index":(\d+),"start":([-0-9.e+]+),"end":([-0-9.e+]+),"reconnects":(\d+),"latency_ms":([-0-9.e+]+).*"top":\[\{"class":".*)re");
  std::vector<Result> out;
  std::istringstream in(slurp(path));
  for (std::string line; std::getline(in, line);) {
    std::smatch m;
    if (!std::regex_match(line, m, row)) continue;
    out.push_back({std::stol(m[1]), std::stod(m[2]), std::stod(m[3]), std::stol(m[4]), std::stod(m[5])});
  }
  return out;
}

// Waits until `pred(results)` holds; false after `timeout_s`.
template <class Pred>
bool wait_for_results(const std::string& path, double timeout_s, Pred pred) {
  const auto until = std::chrono::steady_clock::now() + std::chrono::duration<double>(timeout_s);
  while (std::chrono::steady_clock::now() < until) {
    if (pred(read_results(path))) return true;
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  return false;
}

std::string helper(const std::string& name) { return std::string(AVFLOW_TEST_HELPER_DIR) + "/" + name; }

// Starts the RTSP server on `port` serving `source` ({"--file", CLIP} or
// {"--endless"}), retrying while the port is not yet free.
std::unique_ptr<BackgroundProcess> start_server(int port, const std::vector<std::string>& source) {
  for (int attempt = 0; attempt < 10; ++attempt) {
    std::vector<std::string> argv{helper("rtsp_test_server"), "--port", std::to_string(port)};
    argv.insert(argv.end(), source.begin(), source.end());
    auto server = std::make_unique<BackgroundProcess>(argv);
    if (server->wait_for_stderr("serving rtsp://", 5)) return server;
    server.reset();
    std::this_thread::sleep_for(std::chrono::milliseconds(300));
  }
  return nullptr;
}

// GET /results from 127.0.0.1:port; what arrives within `seconds`.
std::string stream_for(int port, double seconds) {
  const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  if (fd < 0) return "";
  sockaddr_in a{};
  a.sin_family = AF_INET;
  a.sin_port = htons(static_cast<uint16_t>(port));
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  std::string got;
  if (::connect(fd, reinterpret_cast<sockaddr*>(&a), sizeof a) == 0) {
    const std::string req = "GET /results HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n";
    if (::send(fd, req.data(), req.size(), MSG_NOSIGNAL) == static_cast<ssize_t>(req.size())) {
      timeval tv{0, 200000};
      ::setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
      const auto until = std::chrono::steady_clock::now() + std::chrono::duration<double>(seconds);
      char buf[4096];
      while (std::chrono::steady_clock::now() < until) {
        const ssize_t n = ::recv(fd, buf, sizeof buf, 0);
        if (n == 0) break;
        if (n > 0) got.append(buf, static_cast<size_t>(n));
      }
    }
  }
  ::close(fd);
  return got;
}

}  // namespace

TEST_CASE("live_eval classifies an RTSP stream, survives a server restart and stops on SIGTERM", "[live][cli]") {
  TempDir dir;
  auto made = run_avflow({"demo-datasets", dir.path() + "/ds", "--classes", "2", "--clips", "1", "--seconds", "30"});
  INFO(made.err);
  REQUIRE(made.exit_code == 0);
  std::string clip;
  for (const auto& e : std::filesystem::recursive_directory_iterator(dir.path() + "/ds/ucf101"))
    if (e.path().extension() == ".avi") clip = e.path().string();
  REQUIRE(!clip.empty());
  const std::string classifier = dir.path() + "/classifier";
  REQUIRE(run_process({helper("tiny_classifier"), classifier, "3"}).exit_code == 0);

  const int port = avflow::cli::free_local_port();
  auto server = start_server(port, {"--file", clip});
  REQUIRE(server);

  const std::string results = dir.path() + "/results.jsonl";
  BackgroundProcess run({avflow_program(), "run", std::string(AVFLOW_SOURCE_DIR) + "/graphs/live_eval.toml",
                         "--progress", "never", "--threads", "2",
                         "--set", "source.uri=rtsp://127.0.0.1:" + std::to_string(port) + "/stream",
                         "--set", "source.timeout=2.0", "--set", "source.retry_initial=0.25",
                         "--set", "source.retry_max=1.0", "--set", "source.short_side=64",
                         "--set", "classify.classifier=" + classifier,
                         "--set", "classify.classes=[\"red\", \"cyan\"]", "--set", "classify.top_k=2",
                         "--set", "results.path=" + results});
  REQUIRE(run.wait_for_stderr("streaming results on http://127.0.0.1:", 30));
  std::smatch m;
  const std::string log = run.stderr_so_far();
  REQUIRE(std::regex_search(log, m, std::regex(R"(http://127\.0\.0\.1:(\d+)/results)")));
  const int http_port = std::stoi(m[1]);

  // Results flow, in stream-time order, in the file and over HTTP.
  INFO(run.stderr_so_far());
  REQUIRE(wait_for_results(results, 40, [](const std::vector<Result>& r) { return r.size() >= 3; }));
  const std::string streamed = stream_for(http_port, 4.0);
  CHECK(streamed.find("application/x-ndjson") != std::string::npos);
  CHECK(count_of(streamed, "\"index\":") >= 1);

  // The server dies mid-stream and comes back on the same port.
  const size_t before = read_results(results).size();
  server->signal(SIGKILL);
  server->wait(10);
  REQUIRE(run.wait_for_stderr("dropped", 30));
  server = start_server(port, {"--file", clip});
  REQUIRE(server);
  REQUIRE(run.wait_for_stderr("reconnected to rtsp://127.0.0.1:" + std::to_string(port), 40));
  CHECK(wait_for_results(results, 40, [&](const std::vector<Result>& r) {
    return r.size() >= before + 2 && r.back().reconnects >= 1;
  }));

  run.signal(SIGTERM);
  REQUIRE(run.wait(30));
  const std::string err = run.result().err;
  INFO(err);
  CHECK(run.result().exit_code == 0);
  CHECK(err.find("stream rtsp://127.0.0.1:" + std::to_string(port) + "/stream dropped") != std::string::npos);
  CHECK(err.find("latency median") != std::string::npos);

  const auto rows = read_results(results);
  REQUIRE(rows.size() >= before + 2);
  for (size_t i = 1; i < rows.size(); ++i) {
    CHECK(rows[i].index == rows[i - 1].index + 1);
    CHECK(rows[i].start > rows[i - 1].start);
    CHECK(rows[i].end > rows[i].start);
  }
}

TEST_CASE("a graph slower than a live stream gets current snippets, not an ever older queue", "[live][cli][memory]") {
  TempDir dir;
  const std::string classifier = dir.path() + "/classifier";
  REQUIRE(run_process({helper("tiny_classifier"), classifier, "3"}).exit_code == 0);
  const int port = avflow::cli::free_local_port();
  auto server = start_server(port, {"--endless"});
  REQUIRE(server);

  // live_eval with a 2 s stage before the classifier: the graph takes a
  // snippet every 2 s while the stream makes one every 0.8 s (hop 4 at 5 fps).
  std::string graph = slurp(std::string(AVFLOW_SOURCE_DIR) + "/graphs/live_eval.toml");
  const std::string edge = "[[edge]]\nfrom = \"normalize.out\"\nto = \"classify.input\"";
  REQUIRE(graph.find(edge) != std::string::npos);
  graph.replace(graph.find(edge), edge.size(),
                "[[node]]\nname = \"slow\"\nop = \"throttle\"\ndelay_ms = 2000\n\n"
                "[[edge]]\nfrom = \"normalize.out\"\nto = \"slow.in\"\n\n"
                "[[edge]]\nfrom = \"slow.out\"\nto = \"classify.input\"");
  const std::string results = dir.path() + "/results.jsonl";
  BackgroundProcess run({avflow_program(), "run", dir.write("slow_eval.toml", graph), "--progress", "never",
                         "--set", "graph.max_in_flight=2",
                         "--set", "source.uri=rtsp://127.0.0.1:" + std::to_string(port) + "/stream",
                         "--set", "source.hop=4", "--set", "source.short_side=64", "--set", "source.audio=true",
                         "--set", "classify.classifier=" + classifier, "--set", "results.path=" + results,
                         "--set", "results.port=-1"});
  const auto started = std::chrono::steady_clock::now();
  INFO(run.stderr_so_far());
  // 30 s: a queue would have made the last results ~18 s old by then.
  REQUIRE(wait_for_results(results, 90, [&](const std::vector<Result>& r) {
    return std::chrono::steady_clock::now() - started > std::chrono::seconds(30) && r.size() >= 6;
  }));
  run.signal(SIGTERM);
  REQUIRE(run.wait(30));
  const std::string err = run.result().err;
  INFO(err);
  CHECK(run.result().exit_code == 0);
  CHECK(err.find("source: the graph is slower than rtsp://127.0.0.1:" + std::to_string(port)) != std::string::npos);
  CHECK(err.find("the graph was too slow to take") != std::string::npos);

  const auto rows = read_results(results);
  REQUIRE(rows.size() >= 6);
  // What the source holds is bounded (its read-ahead, max(4 s, two
  // snippets) = 6.4 s, and the two snippets in flight at 2 s each), so the
  // age of a result is too, however long the run.
  for (const Result& r : rows) CHECK(r.latency_ms < 15000);
  // Stream time jumps over what the graph could not take (a queue would
  // give consecutive snippets, 0.8 s apart), in snippets that stay whole.
  int jumps = 0;
  for (size_t i = 1; i < rows.size(); ++i) {
    CHECK(rows[i].start > rows[i - 1].start);
    CHECK(rows[i].end - rows[i].start == Approx(3.2).margin(1e-6));
    if (rows[i].start - rows[i - 1].start > 0.8 + 1e-6) ++jumps;
  }
  CHECK(jumps >= 1);
}
