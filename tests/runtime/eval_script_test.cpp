// scripts/eval.sh on demo data sets: a tiny classifier fine-tuned from
// scratch and tested with multi-view testing beats chance by a clear margin
// (5 classes: chance is 0.2), and the reports land in the run directory;
// retrieval on the same sets reports recall at k.
#include <algorithm>
#include <catch2/catch.hpp>
#include <filesystem>
#include <regex>

#include "tests/runtime/cli_fixture.h"

using namespace avflow::test;
using Catch::Matchers::Contains;

namespace {

// The top-1 of split 1 in the script's table.
double top1_of(const std::string& table) {
  std::smatch m;
  if (!std::regex_search(table, m, std::regex(R"(\| 1 \| ([0-9.]+) \|)"))) return -1;
  return std::stod(m[1]);
}

std::vector<std::string> tiny(const std::string& script, const std::string& dataset, const std::string& root,
                              const std::string& runs, bool video) {
  std::vector<std::string> args = {"/bin/bash", script, dataset, "--root", root, "--scratch", "--runs", runs};
  std::vector<std::string> train = {"label_batch.size=8", "finetune.batch_size=8", "finetune.width=4",
                                    "finetune.blocks=1", "finetune.warmup_epochs=2",
                                    "finetune.lr_peak=0.05", "clips.epochs=15"};
  if (video) {
    for (const char* s : {"reader.frames=8", "jitter.min_short_side=72", "jitter.max_short_side=80", "augment.crop=64",
                          "video_batch.size=8"})
      train.push_back(s);
    for (const char* s : {"reader.frames=8", "reader.short_side=72", "reader.test_crop=64"}) {
      args.push_back("--test-set");
      args.push_back(s);
    }
  } else {
    train.push_back("audio_batch.size=8");
  }
  for (const auto& s : train) {
    args.push_back("--train-set");
    args.push_back(s);
  }
  for (const char* s : {"--", "--progress", "never"}) args.push_back(s);
  return args;
}

}  // namespace

TEST_CASE("a tiny fine-tune on demo UCF101 and ESC-50 beats chance, and writes its reports", "[cli][eval]") {
  TempDir dir;
  const auto made = run_avflow({"demo-datasets", dir.path() + "/data", "--classes", "5", "--clips", "6"});
  INFO(made.err);
  REQUIRE(made.exit_code == 0);
  const std::string script = std::string(AVFLOW_SOURCE_DIR) + "/scripts/eval.sh", runs = dir.path() + "/runs";

  const auto video = run_process(tiny(script, "ucf101", dir.path() + "/data/ucf101", runs, true));
  INFO(video.err);
  REQUIRE(video.exit_code == 0);
  const std::string video_table = slurp(runs + "/ucf101/results.md");
  INFO(video_table);
  CHECK(top1_of(video_table) >= 0.5);
  CHECK_THAT(video.err, Contains("over 10 files (300 views"));  // 2 test videos per class x 30 views
  for (const char* file : {"classifier/classifier.pt", "test/confusion.png", "test/confusion.csv",
                           "test/per_class.csv", "curves.png", "graph.toml"})
    CHECK(std::filesystem::exists(runs + "/ucf101/split1/" + file));

  const auto audio = run_process(tiny(script, "esc50", dir.path() + "/data/esc50", runs, false));
  INFO(audio.err);
  REQUIRE(audio.exit_code == 0);
  const std::string audio_table = slurp(runs + "/esc50/results.md");
  INFO(audio_table);
  CHECK(top1_of(audio_table) >= 0.6);
  CHECK_THAT(audio.err, Contains("over 5 files (50 views"));  // fold 1: one clip per class x 10 views

  const auto unknown = run_process({"/bin/bash", script, "kinetics"});
  CHECK(unknown.exit_code == 2);
  CHECK_THAT(unknown.err, Contains("unknown data set 'kinetics'"));
}

TEST_CASE("eval.sh --retrieval embeds demo UCF101's training and test videos and reports recall at k",
          "[cli][eval][retrieval]") {
  TempDir dir;
  const auto made = run_avflow({"demo-datasets", dir.path() + "/data", "--classes", "5", "--clips", "6"});
  INFO(made.err);
  REQUIRE(made.exit_code == 0);
  const std::string script = std::string(AVFLOW_SOURCE_DIR) + "/scripts/eval.sh", runs = dir.path() + "/runs";
  const auto run = run_process({"/bin/bash", script, "ucf101", "--retrieval", "--scratch", "--root",
                                dir.path() + "/data/ucf101", "--runs", runs, "--test-set", "retrieval.width=4",
                                "--test-set", "retrieval.blocks=1", "--test-set", "reader.frames=8", "--test-set",
                                "reader.short_side=72", "--test-set", "reader.test_crop=64", "--", "--progress", "never"});
  INFO(run.err);
  REQUIRE(run.exit_code == 0);
  // 2 test and 4 training videos per class, 10 clips each.
  CHECK_THAT(run.err, Contains("over 10 queries against 20 gallery files (300 views)"));
  CHECK_THAT(run.err, Contains("random weights (seed 0)"));
  const std::string table = slurp(runs + "/ucf101/retrieval.md");
  INFO(table);
  std::smatch m;
  REQUIRE(std::regex_search(table, m, std::regex(R"(\| 1 \| ([0-9.]+) \| ([0-9.]+) \| ([0-9.]+) \| ([0-9.]+) \| 10 \| 20 \|)")));
  for (int i = 1; i < 4; ++i) CHECK(std::stod(m[i]) <= std::stod(m[i + 1]));  // recall grows with k
  CHECK(std::stod(m[4]) == 1.0);  // 20 neighbours: the whole gallery, every class in it
  // Every query's 20 neighbours, nearest first.
  const std::string neighbours = slurp(runs + "/ucf101/split1/retrieval/neighbours.csv");
  CHECK(std::count(neighbours.begin(), neighbours.end(), '\n') == 1 + 10 * 20);

  const auto audio = run_process({"/bin/bash", script, "esc50", "--retrieval"});
  CHECK(audio.exit_code == 2);
  CHECK_THAT(audio.err, Contains("--retrieval is the video protocol"));
}
