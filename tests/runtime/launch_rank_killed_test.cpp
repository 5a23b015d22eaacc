// A data-parallel run of the quickstart graph on two Gloo ranks under
// `avflow launch`, one rank killed with SIGKILL after a checkpoint: the other
// stops on its own within seconds (its collective fails, naming the cause),
// launch exits non-zero naming the killed rank, and `--resume` on both ranks
// continues from the checkpoint rank 0 wrote, with the losses of the
// uninterrupted two-rank run step for step.
#include <signal.h>

#include <catch2/catch.hpp>
#include <chrono>
#include <cmath>
#include <memory>
#include <thread>

#include "tests/runtime/cli_fixture.h"
#include "tests/runtime/quickstart_fixture.h"

using namespace avflow::test;
using Catch::Matchers::Contains;

namespace {

// The port launch picks is free when it is picked, but a test running beside
// this one may bind it before rank 0 does; a start that lost it is retried.
bool lost_port(const std::string& err) { return err.find("Address already in use") != std::string::npos; }

ProcessResult run_launched(const std::vector<std::string>& args) {
  for (int attempt = 1;; ++attempt) {
    ProcessResult r = run_process(args);
    if (r.exit_code == 0 || !lost_port(r.err) || attempt == 3) return r;
  }
}

// Starts `args` in the background and waits for the checkpoint of `step`
// (retrying a start that lost its port); nullptr if it never came.
std::unique_ptr<BackgroundProcess> start_until_checkpoint(const std::vector<std::string>& args,
                                                          const std::string& checkpoints, int64_t step) {
  for (int attempt = 1; attempt <= 3; ++attempt) {
    auto p = std::make_unique<BackgroundProcess>(args);
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(120);
    while (avflow::model::latest_checkpoint_step(checkpoints) < step && !lost_port(p->stderr_so_far()) &&
           std::chrono::steady_clock::now() < deadline)
      std::this_thread::sleep_for(std::chrono::milliseconds(2));
    if (avflow::model::latest_checkpoint_step(checkpoints) >= step) return p;
    if (!lost_port(p->stderr_so_far())) return nullptr;
    p->wait(30);
  }
  return nullptr;
}

}  // namespace

TEST_CASE("a Gloo rank killed mid-run stops the other within seconds, and --resume continues step for step",
          "[cli][launch][resume][distributed]") {
  TempDir dir;
  const std::string prepared = prepare_small_demo(dir);

  const std::string whole = dir.path() + "/whole";
  const auto full = run_launched(launched_quickstart(prepared, whole));
  INFO(full.err);
  REQUIRE(full.exit_code == 0);

  const std::string cut = dir.path() + "/cut";
  {
    const auto started = start_until_checkpoint(launched_quickstart(prepared, cut), cut + "/checkpoints", 5);
    REQUIRE(started);
    BackgroundProcess& p = *started;
    REQUIRE(avflow::model::latest_checkpoint_step(cut + "/checkpoints") == 5);
    const pid_t rank1 = launched_pid(p.stderr_so_far(), 1);
    REQUIRE(rank1 > 0);
    const auto killed = std::chrono::steady_clock::now();
    ::kill(rank1, SIGKILL);
    REQUIRE(p.wait(60));
    const double stopped_after = std::chrono::duration<double>(std::chrono::steady_clock::now() - killed).count();
    const auto& err = p.result().err;
    INFO(err);
    CHECK(p.result().exit_code == 1);
    CHECK_THAT(err, Contains("avflow launch: rank 1 failed (killed by Killed); stopping the other ranks"));
    CHECK_THAT(err, Contains("avflow launch: failed: rank 1 (killed by Killed)"));
    // Rank 0 ended by itself or on launch's SIGTERM, never needing the
    // SIGKILL launch sends after its 10 s grace.
    CHECK_THAT(err, Contains("avflow launch: rank 0 stopped ("));
    CHECK_THAT(err, !Contains("rank 0 stopped (killed by Killed)"));
    CHECK(stopped_after < 10.0);
    const bool collective_failed = err.find("another rank has stopped or cannot be reached") != std::string::npos;
    const bool interrupted = err.find("[rank 0] ") != std::string::npos && err.find("interrupted") != std::string::npos;
    CHECK((collective_failed || interrupted));
  }
  CHECK(avflow::model::latest_checkpoint_step(cut + "/checkpoints") == 5);

  auto args = launched_quickstart(prepared, cut);
  args.push_back("--resume");
  const auto resumed = run_launched(args);
  INFO(resumed.err);
  REQUIRE(resumed.exit_code == 0);
  CHECK_THAT(resumed.err, Contains("[rank 0] ") && Contains("train (rank 0 of 2): resumed at step 5"));
  CHECK_THAT(resumed.err, Contains("train (rank 1 of 2): resumed at step 5"));

  const auto expected = read_rows(whole + "/metrics-0.jsonl");
  REQUIRE(expected.size() == size_t(kSteps));
  for (const int rank : {0, 1}) {
    const auto got = read_rows(cut + "/metrics-" + std::to_string(rank) + ".jsonl");
    REQUIRE(got.size() == size_t(kSteps));  // rows of steps 1-5 kept, 6-12 written on resume
    for (int step = 1; step <= kSteps; ++step) {
      INFO("rank " << rank << ", step " << step);
      CHECK(got.at(step).lr == Approx(expected.at(step).lr).epsilon(1e-9));
      CHECK(std::abs(got.at(step).loss - expected.at(step).loss) < 1e-5);
    }
  }
}
