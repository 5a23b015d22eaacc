// train_step's loss groups must fit the batches the sampler upstream makes:
// they cut the global batch evenly, and each holds whole titles (a multiple
// of the sampler's k). pretrain_movie.toml, shrunk, is refused at open with
// the node and what to change, before the first step.
#include <catch2/catch.hpp>

#include "tests/runtime/cli_fixture.h"

using namespace avflow::test;
using Catch::Matchers::Contains;

namespace {

ProcessResult run_shrunk(const std::string& prepared, const std::string& runs, std::vector<std::string> sets) {
  std::vector<std::string> args = {"run", std::string(AVFLOW_SOURCE_DIR) + "/graphs/pretrain_movie.toml",
                                   "--progress", "never", "--run-dir", runs,
                                   "--set", "graph.checkpoints=" + runs + "/checkpoints",
                                   "--set", "log.path=" + runs + "/metrics.jsonl", "--set", "plot.path=" + runs + "/curves.png"};
  const auto shrunk = shrunk_pretrain_sets(prepared);
  args.insert(args.end(), shrunk.begin(), shrunk.end());
  for (auto& s : sets) {
    args.push_back("--set");
    args.push_back(s);
  }
  return run_avflow(args);
}

}  // namespace

TEST_CASE("loss groups that split a title or do not cut the batch are refused before the first step",
          "[cli][train][loss_group]") {
  TempDir dir;
  const std::string prepared = prepare_small_demo(dir);

  const auto straddles = run_shrunk(prepared, dir.path() + "/a",
                                    {"sampler.batch_size=16", "sampler.k=8", "train.loss_group=4"});
  INFO(straddles.err);
  CHECK(straddles.exit_code == 1);
  CHECK_THAT(straddles.err, Contains("node 'train'"));
  CHECK_THAT(straddles.err,
             Contains("loss_group = 4 is not a multiple of the sampler's 8 snippets per title (k): a title would "
                      "straddle two loss groups"));

  const auto uneven = run_shrunk(prepared, dir.path() + "/b",
                                 {"sampler.batch_size=8", "sampler.k=4", "train.loss_group=16"});
  INFO(uneven.err);
  CHECK(uneven.exit_code == 1);
  CHECK_THAT(uneven.err, Contains("loss_group = 16 does not divide the global batch of 8 clips"));

  // Groups of whole titles that cut the batch train.
  const auto fits = run_shrunk(prepared, dir.path() + "/c",
                               {"sampler.batch_size=8", "sampler.k=4", "train.loss_group=4"});
  INFO(fits.err);
  CHECK(fits.exit_code == 0);
}
