// graphs/quickstart_kl.toml at a tiny size: the trainer's snapshots measured
// by the KL monitor on held-out titles, the rows in the run directory's
// metrics beside the trainer's, and the curves drawn.
#include <catch2/catch.hpp>
#include <cmath>
#include <filesystem>
#include <sstream>

#include "libs/model/checkpoint_position.h"
#include "tests/runtime/cli_fixture.h"

using namespace avflow::test;

namespace {

// The value of "key" in one JSON line; NaN when absent.
double value_of(const std::string& line, const std::string& key) {
  const auto at = line.find("\"" + key + "\":");
  return at == std::string::npos ? std::nan("") : std::stod(line.substr(at + key.size() + 3));
}

// avflow run of graphs/quickstart_kl.toml at a tiny size; `more` adds --set lines.
std::vector<std::string> tiny_kl_run(const std::string& prepared, const std::string& data, const std::string& run,
                                     const std::vector<std::string>& more = {}) {
  std::vector<std::string> args = {"run", std::string(AVFLOW_SOURCE_DIR) + "/graphs/quickstart_kl.toml", "--progress",
                                   "never", "--run-dir", run};
  for (const std::string& set :
       {"sampler.shards=" + prepared, "reader.dir=" + prepared, "sampler.catalogue=" + data,
        std::string("sampler.held_out_fraction=0.67"), std::string("sampler.split_seed=3"),
        std::string("sampler.policy=uniform"), std::string("sampler.k=1"), std::string("sampler.batch_size=8"),
        std::string("sampler.epoch_snippets=16"), std::string("sampler.epochs=2"), std::string("train.epochs=2"),
        std::string("train.snapshot_every=2"), "heldout_sampler.shards=" + prepared,
        "heldout_sampler.catalogue=" + data, std::string("heldout_sampler.held_out_fraction=0.67"),
        std::string("heldout_sampler.split_seed=3"), std::string("heldout_sampler.k=4"),
        std::string("heldout_sampler.batch_size=8"), std::string("heldout_sampler.epoch_snippets=8"),
        "heldout_reader.dir=" + prepared}) {
    args.push_back("--set");
    args.push_back(set);
  }
  for (const auto& set : more) {
    args.push_back("--set");
    args.push_back(set);
  }
  return args;
}

}  // namespace

TEST_CASE("the KL monitor measures every snapshot of a training run on held-out titles", "[cli][kl]") {
  TempDir dir;
  const std::string prepared = prepare_small_demo(dir), data = dir.path() + "/data", run = dir.path() + "/run";
  // 3 titles: split seed 3 holds out the show (2 episodes), the trainer
  // sees the movie (uniform policy: one title is enough); 2 epochs of 2
  // steps, a snapshot every 2 steps: measured at steps 0, 2 and 4.
  std::vector<std::string> args = tiny_kl_run(prepared, data, run);
  auto r = run_avflow(args);
  INFO(r.err);
  REQUIRE(r.exit_code == 0);
  CHECK(r.err.find("held-out sample of 8 snippets from 2 titles") != std::string::npos);

  std::istringstream metrics(slurp(run + "/metrics.jsonl"));
  std::vector<int> kl_steps;
  int train_rows = 0;
  for (std::string line; std::getline(metrics, line);) {
    if (line.find("\"loss\"") != std::string::npos) ++train_rows;
    if (line.find("\"kl_gap\"") == std::string::npos) continue;
    INFO(line);
    kl_steps.push_back(static_cast<int>(value_of(line, "step")));
    // Finite, but not necessarily >= 0: nearest-neighbour estimates of a
    // sample this small scatter around 0 by tenths of a nat.
    for (const char* key : {"kl_minus_plus", "kl_other_plus", "kl_minus_other"}) CHECK(std::isfinite(value_of(line, key)));
    CHECK(value_of(line, "kl_gap") ==
          Approx(value_of(line, "kl_other_plus") - value_of(line, "kl_minus_plus")).margin(1e-6));
    for (const char* key : {"kl_minus_plus", "kl_other_plus", "kl_minus_other", "kl_gap"}) {
      const std::string name = key;
      CHECK(std::isfinite(value_of(line, name + "_lo")));
      CHECK(value_of(line, name + "_lo") <= value_of(line, name + "_hi"));
    }
    CHECK(value_of(line, "kl_seconds") > 0.0);
    CHECK(value_of(line, "s_plus_std") >= 0.0);
  }
  CHECK(train_rows == 4);
  CHECK(kl_steps == std::vector<int>{0, 2, 4});
  CHECK(std::filesystem::file_size(run + "/curves.png") > 1000);
  CHECK(std::filesystem::exists(run + "/graph.toml"));
}

TEST_CASE("a KL sample that is not the held-out sampler's epoch is refused before the first step", "[cli][kl]") {
  TempDir dir;
  const std::string prepared = prepare_small_demo(dir), data = dir.path() + "/data", run = dir.path() + "/run";
  auto r = run_avflow(tiny_kl_run(prepared, data, run, {"kl.sample=12"}));
  INFO(r.err);
  CHECK(r.exit_code != 0);
  CHECK(r.err.find("sample = 12 but the sampler upstream of `snippet` emits 8 snippets an epoch") != std::string::npos);
  // Nothing trained: no checkpoint, no metrics row.
  CHECK(avflow::model::latest_checkpoint_step(run + "/checkpoints") == 0);
  CHECK_FALSE(std::filesystem::exists(run + "/metrics.jsonl"));
}

TEST_CASE("the KL monitor groups held-out snippets by show with group = show", "[cli][kl]") {
  TempDir dir;
  const std::string prepared = prepare_small_demo(dir), data = dir.path() + "/data", run = dir.path() + "/run";
  // Every title held out (split = all): the movie and the show's two
  // episodes, 4 snippets each; by show they are two groups, the episodes
  // one. One step, measured before and after it.
  auto r = run_avflow(tiny_kl_run(prepared, data, run,
                                  {"heldout_sampler.split=all", "heldout_sampler.batch_size=12",
                                   "heldout_sampler.epoch_snippets=12", "kl.group=show", "sampler.epochs=1",
                                   "sampler.epoch_snippets=8", "train.epochs=1"}));
  INFO(r.err);
  REQUIRE(r.exit_code == 0);
  CHECK(r.err.find("held-out sample of 12 snippets from 3 titles (2 groups by show)") != std::string::npos);
  std::istringstream metrics(slurp(run + "/metrics.jsonl"));
  int rows = 0;
  for (std::string line; std::getline(metrics, line);)
    if (line.find("\"kl_gap\"") != std::string::npos) ++rows;
  CHECK(rows == 2);
}
