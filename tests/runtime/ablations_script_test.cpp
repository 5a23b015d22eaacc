// scripts/ablations.sh: runs the chosen graphs of graphs/ablations/ (here at
// a tiny size, through arguments it passes on to avflow run) and gathers one
// table, with a run that fails reported in it rather than stopping the rest.
#include <catch2/catch.hpp>
#include <fstream>
#include <regex>
#include <sstream>

#include "tests/runtime/cli_fixture.h"

using namespace avflow::test;
using Catch::Matchers::Contains;

namespace {

// The table row of `name`, or "" when there is none.
std::string row_of(const std::string& table, const std::string& name) {
  std::istringstream in(table);
  for (std::string line; std::getline(in, line);)
    if (line.rfind("| " + name + " |", 0) == 0) return line;
  return "";
}

}  // namespace

TEST_CASE("the ablations script runs the chosen ablations and tabulates them, a failed one too", "[cli][ablations]") {
  TempDir dir;
  const std::string prepared = prepare_small_demo(dir);
  const std::string runs = dir.path() + "/runs";
  const std::string script = std::string(AVFLOW_SOURCE_DIR) + "/scripts/ablations.sh";
  const auto datasets = run_avflow({"demo-datasets", dir.path() + "/sets", "--classes", "3", "--clips", "4"});
  INFO(datasets.err);
  REQUIRE(datasets.exit_code == 0);
  // The paper's graphs shrunk: 2 steps of 8 clips of 64 x 64, a 4-channel
  // model; each finished row's encoders probed briefly on demo data sets.
  std::vector<std::string> args = {"/bin/bash", script, "--runs", runs, "--probe", dir.path() + "/sets"};
  for (const std::string set : {"label_batch.size=4", "finetune.batch_size=4", "clips.epochs=2"}) {
    args.insert(args.end(), {"--probe-set", "ucf101:" + set, "--probe-set", "esc50:" + set});
  }
  for (const char* set : {"reader.frames=8", "jitter.min_short_side=72", "jitter.max_short_side=80",
                          "augment.crop=64", "video_batch.size=4"})
    args.insert(args.end(), {"--probe-set", std::string("ucf101:") + set});
  args.insert(args.end(), {"--probe-set", "esc50:audio_batch.size=4"});
  for (const char* set : {"reader.frames=8", "reader.short_side=72", "reader.test_crop=64"})
    args.insert(args.end(), {"--probe-test-set", std::string("ucf101:") + set});
  for (const char* s : {"movie_k01", "movie_adjacent_k04", "movie_k64", "--"}) args.push_back(s);
  args.insert(args.end(), {"--progress", "never", "--set", "sampler.batch_size=8", "--set", "train.loss_group=4",
                           "--set", "kl.bins=16"});
  const auto shrunk = shrunk_pretrain_sets(prepared);
  args.insert(args.end(), shrunk.begin(), shrunk.end());
  const auto r = run_process(args);
  INFO(r.err);
  CHECK(r.exit_code == 1);  // k = 64 cannot divide a batch of 8
  CHECK_THAT(r.err, Contains("batch_size' (8) is not divisible by k = 64"));
  const std::string table = slurp(runs + "/results.md");
  INFO(table);
  CHECK(r.out == table);
  CHECK_THAT(table, Contains("| ablation | what | steps | last-epoch loss | lowest loss | clips/s | KL(S- ‖ S!=) | KL gap | "
                             "UCF101 probe | ESC-50 probe | run |"));
  const std::string k01 = row_of(table, "movie_k01"), adjacent = row_of(table, "movie_adjacent_k04"), k64 = row_of(table, "movie_k64");
  CHECK_THAT(k01, Contains("| Table 1, Movie: k = 1, snippets i.i.d. over all titles (the uniform policy) | 2 | "));
  CHECK_THAT(k01, Contains("| finished |"));
  // The KL monitor measured the run's last snapshot and both probes ran:
  // four numbers (intervals after the KL ones, where reported) before "finished".
  CHECK(std::regex_search(
      k01, std::regex(R"(\| -?[0-9]+\.[0-9]{4}[^|]* \| -?[0-9]+\.[0-9]{4}[^|]* \| [01]\.[0-9]{4} \| [01]\.[0-9]{4} \| finished \|)")));
  CHECK(std::ifstream(runs + "/movie_k01/eval/ucf101/split1/test.jsonl").good());
  CHECK(std::ifstream(runs + "/movie_k01/eval/esc50/split1/test.jsonl").good());
  CHECK(std::ifstream(runs + "/movie_k01/graph.toml").good());
  CHECK_THAT(adjacent, Contains("| 2 | "));
  CHECK_THAT(adjacent, Contains("| finished |"));
  CHECK_THAT(k64, Contains("| 0 |"));
  CHECK_THAT(k64, Contains("failed (exit 2); no metrics in " + runs + "/movie_k64/metrics.jsonl"));
  CHECK(std::ifstream(runs + "/movie_k01/checkpoints/latest").good());
  CHECK(std::ifstream(runs + "/compare.png").good());  // movie_k01 and movie_adjacent_k04, one curve each

  // --table gathers what is there without running anything.
  const auto again = run_process({"/bin/bash", script, "--runs", runs, "--table", "movie_k01"});
  CHECK(again.exit_code == 0);
  CHECK(row_of(again.out, "movie_k01").find("| 2 | ") != std::string::npos);
  CHECK_THAT(again.out, Contains("not run now"));
  const auto unknown = run_process({"/bin/bash", script, "--runs", runs, "k05"});
  CHECK(unknown.exit_code == 2);
  CHECK_THAT(unknown.err, Contains("no graphs/ablations/k05.toml; known: "));
}
