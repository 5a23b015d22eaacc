// avflow run --status-port: the live pages of a running graph, read while it
// runs, and a run that finishes whole while hostile clients hammer the port.
#include <catch2/catch.hpp>
#include <chrono>
#include <memory>
#include <thread>
#include <vector>

#include "runtime/free_port.h"
#include "tests/runtime/cli_fixture.h"
#include "tests/runtime/http_client.h"

using namespace avflow::test;
using namespace std::chrono_literals;

namespace {

constexpr int kItems = 60;  // 100 ms each in the slow stage: a run of about 6 s

// tone -> slow -> count, and slow -> stats -> rows (a jsonl file).
std::string status_graph(const std::string& rows_path) {
  const std::string items = std::to_string(kItems);
  return "[graph]\nname = \"status_demo\"\n\n"
         "[[node]]\nname = \"tone\"\nop = \"tone\"\ncount = " + items + "\nduration = 0.01\n\n"
         "[[node]]\nname = \"slow\"\nop = \"throttle\"\ndelay_ms = 100.0\n\n"
         "[[node]]\nname = \"count\"\nop = \"count\"\nexpect = " + items + "\n\n"
         "[[node]]\nname = \"stats\"\nop = \"tensor_stats\"\n\n"
         "[[node]]\nname = \"rows\"\nop = \"jsonl\"\npath = \"" + rows_path + "\"\n\n"
         "[[edge]]\nfrom = \"tone\"\nto = \"slow\"\n\n"
         "[[edge]]\nfrom = \"slow\"\nto = \"count\"\n\n"
         "[[edge]]\nfrom = \"slow\"\nto = \"stats\"\n\n"
         "[[edge]]\nfrom = \"stats\"\nto = \"rows\"\n";
}

// The port the run logged ("status endpoint on http://127.0.0.1:PORT"), 0 if none.
uint16_t logged_port(const std::string& err) {
  const std::string prefix = "status endpoint on http://127.0.0.1:";
  const auto at = err.find(prefix);
  return at == std::string::npos ? 0 : static_cast<uint16_t>(std::atoi(err.c_str() + at + prefix.size()));
}

size_t count_lines(const std::string& text) {
  size_t n = 0;
  for (char c : text) n += c == '\n';
  return n;
}

}  // namespace

TEST_CASE("avflow run serves live status and finishes whole despite hostile clients", "[cli][run][status]") {
  TempDir dir;
  const std::string rows = dir.path() + "/rows.jsonl";
  auto g = dir.write("g.toml", status_graph(rows));
  BackgroundProcess p({avflow_program(), "run", g, "--status-port", "0", "--progress", "never"});
  REQUIRE(p.wait_for_stderr("status endpoint on http://127.0.0.1:", 30));
  const uint16_t port = logged_port(p.stderr_so_far());
  REQUIRE(port != 0);

  // Live metrics: every node, and the scalars of stats once its first row is out.
  HttpReply metrics;
  const auto until = std::chrono::steady_clock::now() + 20s;
  do {
    metrics = http_get(port, "/metrics");
    if (metrics.body.find("avflow_scalar_step{node=\"stats\"}") != std::string::npos) break;
    std::this_thread::sleep_for(50ms);
  } while (std::chrono::steady_clock::now() < until);
  INFO(metrics.body);
  CHECK(metrics.status == 200);
  CHECK(header(metrics, "Content-Type").rfind("text/plain; version=0.0.4", 0) == 0);
  for (const char* node : {"tone\",op=\"tone", "slow\",op=\"throttle", "count\",op=\"count",
                           "stats\",op=\"tensor_stats", "rows\",op=\"jsonl"})
    CHECK(metrics.body.find(std::string("avflow_node_items_in_total{node=\"") + node + "\"}") != std::string::npos);
  CHECK(metrics.body.find("avflow_scalar{node=\"stats\",name=\"rms\"} ") != std::string::npos);
  auto status = http_get(port, "/status");
  CHECK(status.status == 200);
  CHECK(status.body.find("\"graph\":\"status_demo\",\"state\":\"running\"") != std::string::npos);
  CHECK(status.body.find("\"expected\":" + std::to_string(kItems)) != std::string::npos);
  auto graph = http_get(port, "/graph");
  CHECK(graph.status == 200);
  CHECK(graph.body.find("digraph") != std::string::npos);

  // Hostile clients while it runs: an endless request line, then 200 idle
  // connections (three times the default cap) held for a while.
  asio::io_context ioc;
  {
    RawConnection endless(ioc, port);
    REQUIRE(endless.connected());
    size_t sent = 0;
    const std::string chunk(4096, 'a');
    while (sent < (64u << 20) && endless.send(chunk, 10)) sent += chunk.size();
    INFO("sent " << sent << " bytes");
    CHECK(sent < (16u << 20));
  }
  {
    std::vector<std::unique_ptr<RawConnection>> idle;
    for (int i = 0; i < 200; ++i) idle.push_back(std::make_unique<RawConnection>(ioc, port));
    std::this_thread::sleep_for(500ms);
    const int status_now = http_get(port, "/status").status;
    CHECK(status_now != 200);  // all 64 places are taken
  }
  // Once they have gone, the endpoint answers again (unless the run is over).
  bool answered = false;
  while (!answered && p.stderr_so_far().find("finished in") == std::string::npos) {
    answered = http_get(port, "/status").status == 200;
    if (!answered) std::this_thread::sleep_for(50ms);
  }
  CHECK(answered);

  REQUIRE(p.wait(60));
  INFO(p.result().err);
  CHECK(p.result().exit_code == 0);
  CHECK(p.result().err.find("count: " + std::to_string(kItems) + " items") != std::string::npos);
  CHECK(count_lines(slurp(rows)) == static_cast<size_t>(kItems));
  RawConnection after(ioc, port);
  CHECK_FALSE(after.connected());  // the endpoint ended with the run
}

TEST_CASE("avflow run refuses bad status endpoint options before running", "[cli][run][status]") {
  TempDir dir;
  auto g = dir.write("g.toml", counting_graph(3, 3));
  auto no_port = run_avflow({"run", g, "--status-address", "127.0.0.1"});
  CHECK(no_port.exit_code == 2);
  CHECK(no_port.err.find("--status-address needs --status-port") != std::string::npos);
  auto bad_port = run_avflow({"run", g, "--status-port", "70000"});
  CHECK(bad_port.exit_code == 2);
  CHECK(bad_port.err.find("--status-port must be a whole number in [0, 65535]") != std::string::npos);
  auto not_run = run_avflow({"check", g, "--status-port", "0"});
  CHECK(not_run.exit_code == 2);

  // A port in use: exit 2, naming it, and nothing ran.
  asio::io_context ioc;
  tcp::acceptor taken(ioc, tcp::endpoint(asio::ip::make_address("127.0.0.1"), 0));
  const std::string port = std::to_string(taken.local_endpoint().port());
  auto busy = run_avflow({"run", g, "--status-port", port});
  CHECK(busy.exit_code == 2);
  CHECK(busy.err.find("--status-port: cannot listen on 127.0.0.1:" + port) != std::string::npos);
  CHECK(busy.err.find("count: 3 items") == std::string::npos);

  auto ok = run_avflow({"run", g, "--status-port", "0"});
  CHECK(ok.exit_code == 0);
  CHECK(ok.err.find("status endpoint on http://127.0.0.1:") != std::string::npos);
}

TEST_CASE("each rank of a launched run serves status on the port plus its rank", "[cli][run][status]") {
  TempDir dir;
  auto g = dir.write("g.toml", counting_graph(3, 3));
  // avflow launch gives each rank its RANK; the command line is the same.
  const int port = avflow::cli::free_local_port();
  auto rank1 = run_process({"/usr/bin/env", "RANK=1", avflow_program(), "run", g, "--status-port",
                            std::to_string(port - 1), "--progress", "never"});
  INFO(rank1.err);
  CHECK(rank1.exit_code == 0);
  CHECK(rank1.err.find("status endpoint on http://127.0.0.1:" + std::to_string(port) + " ") != std::string::npos);
  auto bad = run_process({"/usr/bin/env", "RANK=x", avflow_program(), "run", g, "--status-port", "9100"});
  CHECK(bad.exit_code == 2);
  CHECK(bad.err.find("--status-port: environment variable RANK must be a whole number in [0, 65535], not 'x'") !=
        std::string::npos);
}
