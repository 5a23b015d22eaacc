// The quickstart graph (graphs/quickstart.toml) at a tiny size, driven as a
// user drives it: it trains end to end, and a run killed with SIGKILL after a
// checkpoint and continued with `avflow run --resume` reproduces the
// uninterrupted run's losses step for step (sampler position, per-item
// augmentation draws, model, optimiser and random state all restored).
#include <signal.h>

#include <catch2/catch.hpp>
#include <cmath>

#include "tests/runtime/cli_fixture.h"
#include "tests/runtime/quickstart_fixture.h"

using namespace avflow::test;

TEST_CASE("the quickstart graph trains, and a SIGKILLed run resumes step for step", "[cli][quickstart][resume]") {
  TempDir dir;
  const std::string prepared = prepare_small_demo(dir);

  // Uninterrupted.
  const std::string whole = dir.path() + "/whole";
  auto full = run_process(quickstart(prepared, whole));
  INFO(full.err);
  REQUIRE(full.exit_code == 0);
  const auto expected = read_rows(whole + "/metrics.jsonl");
  REQUIRE(expected.size() == size_t(kSteps));
  CHECK(std::filesystem::exists(whole + "/checkpoints/video_encoder.pt"));
  CHECK(std::filesystem::exists(whole + "/checkpoints/audio_encoder.pt"));
  CHECK(std::filesystem::file_size(whole + "/curves.png") > 1000);

  // Killed without warning once the checkpoint of step 5 (mid second epoch)
  // is whole, then resumed.
  const std::string cut = dir.path() + "/cut";
  {
    BackgroundProcess p(quickstart(prepared, cut));
    REQUIRE(wait_for_checkpoint(cut + "/checkpoints", 5) == 5);
    p.signal(SIGKILL);
    REQUIRE(p.wait(20));
    REQUIRE(p.result().exit_code == -1);  // killed, not finished
  }
  auto args = quickstart(prepared, cut);
  args.push_back("--resume");
  auto resumed = run_process(args);
  INFO(resumed.err);
  REQUIRE(resumed.exit_code == 0);
  CHECK(resumed.err.find("resuming at step 5") != std::string::npos);
  CHECK(resumed.err.find("resumed at step 5") != std::string::npos);

  const auto got = read_rows(cut + "/metrics.jsonl");
  REQUIRE(got.size() == size_t(kSteps));  // rows of steps 1-5 kept, 6-12 written on resume
  for (int step = 1; step <= kSteps; ++step) {
    INFO("step " << step);
    CHECK(got.at(step).lr == Approx(expected.at(step).lr).epsilon(1e-9));
    CHECK(std::abs(got.at(step).loss - expected.at(step).loss) < 1e-5);
  }

  // --resume with a sampler that does not resume (resumes = false): it
  // would start at step 0 under a trainer at step 12. Refused in open,
  // before any step, naming the trainer and the folder.
  auto stray = quickstart(prepared, whole);
  for (const char* extra : {"--resume", "--set", "sampler.resumes=false"}) stray.push_back(extra);
  const auto refused = run_process(stray);
  INFO(refused.err);
  CHECK(refused.exit_code == 1);
  CHECK(refused.err.find("'train'") != std::string::npos);
  CHECK(refused.err.find("starts at step 12 (resumed from " + whole + "/checkpoints) but the sampler upstream starts at "
                         "step 0; a sampler feeding a trainer must resume with it (resumes = true)") !=
        std::string::npos);
  CHECK(read_rows(whole + "/metrics.jsonl").size() == size_t(kSteps));  // nothing trained, nothing written
}
