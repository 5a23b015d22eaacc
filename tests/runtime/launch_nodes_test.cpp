// avflow launch beyond one machine: two launches as two nodes of one rank
// each (--nnodes 2 --node-rank K --master-addr --master-port, here both on
// the loopback address) train as one node of two ranks, the same losses and
// checkpoints bit for bit; a node without the rendezvous flags is refused.
#include <catch2/catch.hpp>
#include <memory>
#include <string>

#include "runtime/free_port.h"
#include "tests/runtime/cli_fixture.h"
#include "tests/runtime/quickstart_fixture.h"

using namespace avflow::test;
using Catch::Matchers::Contains;

namespace {

// One CPU thread a rank whatever the ranks a node holds (by default a rank
// takes the cores over LOCAL_WORLD_SIZE): a reduction split another way
// rounds otherwise.
std::vector<std::string> same_threads(std::vector<std::string> args) {
  args.insert(args.end(), {"--set", "train.threads=1"});
  return args;
}

// The two nodes' launches: node 1 in the background, node 0 in the
// foreground; both exit codes. A start whose port another test took is
// retried with a fresh port.
std::pair<int, int> run_two_nodes(const std::string& prepared, const std::string& out, std::string* log) {
  for (int attempt = 1;; ++attempt) {
    const std::string port = std::to_string(avflow::cli::free_local_port());
    const auto node = [&](const char* rank) {
      return same_threads(launched_quickstart(prepared, out,
                                              {"--nproc", "1", "--nnodes", "2", "--node-rank", rank, "--master-addr",
                                               "127.0.0.1", "--master-port", port}));
    };
    BackgroundProcess second(node("1"));
    const ProcessResult first = run_process(node("0"));
    second.wait(120);
    *log = first.err + second.result().err;
    const bool lost_port = log->find("Address already in use") != std::string::npos;
    if (!lost_port || attempt == 3) return {first.exit_code, second.result().exit_code};
  }
}

}  // namespace

TEST_CASE("two nodes of one rank each train as one node of two ranks, bit for bit", "[cli][launch][distributed]") {
  TempDir dir;
  const std::string prepared = prepare_small_demo(dir);
  const std::string one = dir.path() + "/one", two = dir.path() + "/two";
  const auto single = run_process(same_threads(launched_quickstart(prepared, one)));
  INFO(single.err);
  REQUIRE(single.exit_code == 0);

  std::string log;
  const auto [node0, node1] = run_two_nodes(prepared, two, &log);
  INFO(log);
  REQUIRE(node0 == 0);
  REQUIRE(node1 == 0);
  CHECK_THAT(log, Contains("avflow launch: node 0 of 2, ranks 0 to 0 of 2, MASTER_ADDR=127.0.0.1"));
  CHECK_THAT(log, Contains("avflow launch: node 1 of 2, ranks 1 to 1 of 2"));
  CHECK_THAT(log, Contains("[rank 1] "));

  check_same_training(one, two, 2);
}

TEST_CASE("a node of several is refused without its rank, node 0's address and the port", "[cli][launch]") {
  const auto r = run_avflow({"launch", "--nproc", "2", "--nnodes", "2", "--", "run", "g.toml"});
  CHECK(r.exit_code == 2);
  CHECK_THAT(r.err, Contains("--nnodes 2 needs --node-rank K, --master-addr HOST and --master-port P"));
  const auto beyond = run_avflow({"launch", "--nproc", "1", "--nnodes", "2", "--node-rank", "2", "--master-addr",
                                  "127.0.0.1", "--master-port", "29500", "--", "run", "g.toml"});
  CHECK(beyond.exit_code == 2);
  CHECK_THAT(beyond.err, Contains("--node-rank 2 is not one of the 2 nodes (0 to 1)"));
}
