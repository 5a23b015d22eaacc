// avflow under PyTorch's own launcher: two torchrun 2.x nodes of two ranks
// each (c10d rendezvous, here both on the loopback address) train the
// quickstart as `avflow launch --nproc 4` does, the same losses and
// checkpoints bit for bit; a torchrun agent whose store this LibTorch's
// client cannot talk to is named, with the way out, instead of hanging.
//
// The torchrun is scripts/setup-torchrun.sh's (PyTorch 2.11 from PyPI in a
// virtual environment; scripts/test.sh makes it), or AVFLOW_TORCHRUN.
#include <unistd.h>

#include <catch2/catch.hpp>
#include <cstdlib>
#include <string>
#include <vector>

#include "runtime/free_port.h"
#include "tests/runtime/cli_fixture.h"
#include "tests/runtime/quickstart_fixture.h"

using namespace avflow::test;
using Catch::Matchers::Contains;

namespace {

std::string torchrun_program() {
  const char* given = std::getenv("AVFLOW_TORCHRUN");
  const std::string path = given != nullptr ? given : std::string(AVFLOW_SOURCE_DIR) + "/.cache/torchrun/bin/torchrun";
  INFO("no torchrun at " << path << ": make it with `bash scripts/setup-torchrun.sh` (scripts/test.sh does) "
                         << "or name one in AVFLOW_TORCHRUN");
  REQUIRE(::access(path.c_str(), X_OK) == 0);
  return path;
}

// per_rank_quickstart() in groups of k = 2, one CPU thread a rank: over
// four titles (prepare_small_demo with two movies) a batch of 8 gives each
// of 4 ranks a whole group.
std::vector<std::string> run_arguments(const std::string& prepared, const std::string& out) {
  auto args = per_rank_quickstart(prepared, out);
  args.insert(args.end(), {"--set", "sampler.k=2", "--set", "train.threads=1"});
  return args;
}

// One torchrun node of NPROC ranks of a job of NNODES nodes meeting at the
// c10d rendezvous on 127.0.0.1:PORT; ENV (NAME=VALUE) in its environment.
std::vector<std::string> torchrun_node(int nnodes, int nproc, const std::string& port,
                                       const std::vector<std::string>& env, const std::vector<std::string>& run) {
  std::vector<std::string> argv{"/usr/bin/env"};
  argv.insert(argv.end(), env.begin(), env.end());
  argv.push_back(torchrun_program());
  for (const std::string& arg : {std::string("--nnodes"), std::to_string(nnodes), std::string("--nproc-per-node"),
                                 std::to_string(nproc), std::string("--rdzv-backend"), std::string("c10d"),
                                 std::string("--rdzv-endpoint"), "127.0.0.1:" + port, std::string("--rdzv-id"),
                                 "avflow-test-" + port, std::string("--max-restarts"), std::string("0"),
                                 std::string("--no-python")})
    argv.push_back(arg);
  argv.push_back(avflow_program());
  argv.insert(argv.end(), run.begin(), run.end());
  return argv;
}

}  // namespace

TEST_CASE("two torchrun nodes of two ranks train as avflow launch of four, bit for bit", "[cli][torchrun][distributed]") {
  TempDir dir;
  const std::string prepared = prepare_small_demo(dir, 2);
  const std::string one = dir.path() + "/launch", two = dir.path() + "/torchrun";

  auto launch = launched_quickstart(prepared, one, {"--nproc", "4"});
  launch.insert(launch.end(), {"--set", "sampler.k=2", "--set", "train.threads=1"});
  const auto single = run_process(launch);
  INFO(single.err);
  REQUIRE(single.exit_code == 0);

  // Rank 0 serves the store (this LibTorch may be older than the agent's).
  const std::vector<std::string> env{"TORCH_DISABLE_SHARE_RDZV_TCP_STORE=1", "OMP_NUM_THREADS=1"};
  const std::string port = std::to_string(avflow::cli::free_local_port());
  const auto node = torchrun_node(2, 2, port, env, run_arguments(prepared, two));
  BackgroundProcess second(node);
  const ProcessResult first = run_process(node);
  second.wait(300);
  INFO(first.err << second.result().err);
  REQUIRE(first.exit_code == 0);
  REQUIRE(second.result().exit_code == 0);

  check_same_training(one, two, 4);
}

#if AVFLOW_TEST_TORCH_MAJOR < 2
TEST_CASE("a torchrun 2.x agent's store that LibTorch 1.x cannot talk to is named with the way out",
          "[cli][torchrun][distributed]") {
  TempDir dir;
  const std::string prepared = prepare_small_demo(dir, 2);
  const std::string port = std::to_string(avflow::cli::free_local_port());
  const auto r = run_process(torchrun_node(1, 2, port, {"OMP_NUM_THREADS=1"}, run_arguments(prepared, dir.path())));
  CHECK(r.exit_code != 0);
  CHECK_THAT(r.err, Contains("the torchrun agent's store at"));
  CHECK_THAT(r.err, Contains("has not answered a request in 30 s"));
  CHECK_THAT(r.err, Contains("TORCH_DISABLE_SHARE_RDZV_TCP_STORE=1"));
}
#endif
