// avflow launch: N ranks of this program with torchrun's variables, their
// lines prefixed with the rank, {rank} in their arguments, Ctrl-C passed on
// once, and a failed rank stopping the others.
#include <signal.h>

#include <catch2/catch.hpp>
#include <chrono>
#include <thread>

#include "tests/runtime/cli_fixture.h"

using namespace avflow::test;
using Catch::Matchers::Contains;

namespace {

// Whether rank `rank` printed a line holding `text` (launch prefixes its lines).
bool rank_said(const std::string& err, int rank, const std::string& text) {
  const std::string prefix = "[rank " + std::to_string(rank) + "] ";
  for (size_t start = 0; start < err.size();) {
    size_t end = err.find('\n', start);
    if (end == std::string::npos) end = err.size();
    const std::string line = err.substr(start, end - start);
    if (line.rfind(prefix, 0) == 0 && line.find(text) != std::string::npos) return true;
    start = end + 1;
  }
  return false;
}

}  // namespace

TEST_CASE("avflow launch is listed, has its own help and refuses what it cannot run", "[cli][launch]") {
  CHECK_THAT(run_avflow({"--help"}).out, Contains("avflow launch --nproc N -- run GRAPH"));
  const auto help = run_avflow({"launch", "--help"});
  CHECK(help.exit_code == 0);
  CHECK_THAT(help.out, Contains("avflow launch --nproc N [--master-port P] -- COMMAND"));
  CHECK_THAT(help.out, Contains("MASTER_PORT"));
  const auto no_nproc = run_avflow({"launch", "--", "run", "g.toml"});
  CHECK(no_nproc.exit_code == 2);
  CHECK_THAT(no_nproc.err, Contains("needs --nproc N"));
  const auto bad_nproc = run_avflow({"launch", "--nproc", "two", "--", "run", "g.toml"});
  CHECK(bad_nproc.exit_code == 2);
  CHECK_THAT(bad_nproc.err, Contains("--nproc must be a whole number in [1, 1024], not 'two'"));
  const auto no_command = run_avflow({"launch", "--nproc", "2"});
  CHECK(no_command.exit_code == 2);
  CHECK_THAT(no_command.err, Contains("after '--'"));
  const auto dashes = run_avflow({"run", "g.toml", "--", "x"});
  CHECK(dashes.exit_code == 2);
  CHECK_THAT(dashes.err, Contains("'--' only ends the options of 'avflow launch'"));
}

TEST_CASE("avflow launch runs every rank, prefixes its lines and puts its rank into the arguments",
          "[cli][launch]") {
  TempDir dir;
  dir.write("g0.toml", counting_graph(3, 3));
  dir.write("g1.toml", counting_graph(5, 5));
  const auto r = run_avflow({"launch", "--nproc", "2", "--", "run", dir.path() + "/g{rank}.toml"});
  INFO(r.err);
  CHECK(r.exit_code == 0);
  CHECK_THAT(r.err, Contains("avflow launch: 2 processes, MASTER_ADDR=127.0.0.1 MASTER_PORT="));
  CHECK(rank_said(r.err, 0, "g0.toml"));
  CHECK(rank_said(r.err, 1, "g1.toml"));
  CHECK(rank_said(r.err, 0, "count: 3 items"));
  CHECK(rank_said(r.err, 1, "count: 5 items"));
}

TEST_CASE("a failed rank stops the others, and launch exits with its code naming it", "[cli][launch]") {
  TempDir dir;
  dir.write("g0.toml", endless_graph(5));  // would run for ever
  dir.write("g1.toml", "[[node]]\nname = \"x\"\nop = \"no_such_operator\"\n");
  const auto started = std::chrono::steady_clock::now();
  const auto r = run_avflow({"launch", "--nproc", "2", "--", "run", dir.path() + "/g{rank}.toml"});
  INFO(r.err);
  CHECK(r.exit_code == 2);
  CHECK_THAT(r.err, Contains("rank 1 failed (exit code 2); stopping the other ranks"));
  CHECK(rank_said(r.err, 1, "no_such_operator"));
  // Rank 1 may fail before rank 0 has set up its handlers, so SIGTERM may
  // end rank 0 either way; the clean stop is checked on a running rank below.
  CHECK_THAT(r.err, Contains("avflow launch: rank 0 stopped ("));
  CHECK(std::chrono::steady_clock::now() - started < std::chrono::seconds(10));
}

TEST_CASE("a rank killed mid-run makes the running others stop cleanly on SIGTERM", "[cli][launch][signal]") {
  TempDir dir;
  dir.write("g0.toml", endless_graph(5));
  dir.write("g1.toml", endless_graph(5));
  BackgroundProcess p({avflow_program(), "launch", "--nproc", "2", "--", "run", dir.path() + "/g{rank}.toml"});
  const auto started = std::chrono::steady_clock::now();
  auto both_running = [&] {
    const std::string so_far = p.stderr_so_far();
    return rank_said(so_far, 0, "count: #3 ") && rank_said(so_far, 1, "count: #3 ");
  };
  while (!both_running() && std::chrono::steady_clock::now() - started < std::chrono::seconds(30))
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  REQUIRE(both_running());
  const pid_t rank1 = launched_pid(p.stderr_so_far(), 1);
  REQUIRE(rank1 > 0);
  ::kill(rank1, SIGKILL);
  REQUIRE(p.wait(30));
  const auto& err = p.result().err;
  INFO(err);
  CHECK(p.result().exit_code == 1);
  CHECK_THAT(err, Contains("rank 1 failed (killed by Killed); stopping the other ranks"));
  CHECK(rank_said(err, 0, "stopped on request"));
  CHECK_THAT(err, Contains("avflow launch: rank 0 stopped (exit code 0)"));
}

TEST_CASE("Ctrl-C to avflow launch stops every rank cleanly, once", "[cli][launch][signal]") {
  TempDir dir;
  for (const char* rank : {"0", "1"}) {  // counters named after the rank, to see that both run
    std::string graph = endless_graph(5);
    for (const std::string key : {"name = ", "to = "}) {
      const size_t at = graph.find(key + "\"count\"");
      graph.replace(at, key.size() + 7, key + "\"count" + rank + "\"");
    }
    dir.write(std::string("g") + rank + ".toml", graph);
  }
  BackgroundProcess p({avflow_program(), "launch", "--nproc", "2", "--", "run", dir.path() + "/g{rank}.toml"});
  REQUIRE(p.wait_for_stderr("count0: #3 ", 30));
  REQUIRE(p.wait_for_stderr("count1: #3 ", 30));
  p.signal(SIGINT);
  REQUIRE(p.wait(30));
  const auto& err = p.result().err;
  INFO(err);
  CHECK(p.result().exit_code == 0);
  for (int rank : {0, 1}) {
    CHECK(rank_said(err, rank, "count" + std::to_string(rank) + ": #3 "));
    CHECK(rank_said(err, rank, "interrupted; stopping sources"));
    CHECK(rank_said(err, rank, "stopped on request"));
  }
  CHECK_THAT(err, !Contains("second interrupt"));
}
