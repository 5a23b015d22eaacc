// Shared by the CLI tests: the program's path, small graph texts and a
// small prepared demo catalogue.
#pragma once

#include <sys/types.h>

#include <catch2/catch.hpp>
#include <string>
#include <vector>

#include "tests/support/process.h"

namespace avflow::test {

inline std::string avflow_program() { return std::string(AVFLOW_BINARY_DIR) + "/avflow"; }

inline ProcessResult run_avflow(std::vector<std::string> args) {
  args.insert(args.begin(), avflow_program());
  return run_process(args);
}

// avflow run graphs/prepare.toml: every title of the catalogue `data` into
// shards under `prepared`, its report in `report`.
inline std::vector<std::string> prepare_command(const std::string& data, const std::string& prepared,
                                                const std::string& report) {
  return {avflow_program(), "run", std::string(AVFLOW_SOURCE_DIR) + "/graphs/prepare.toml", "--progress", "never",
          "--set", "titles.catalogue=" + data, "--set", "titles.split=all", "--set", "prepare.out=" + prepared,
          "--set", "report.path=" + report};
}

// A demo catalogue of one movie of `minutes` minutes under `data`; fails the
// test (REQUIRE) when it cannot be written.
inline void write_one_movie(const std::string& data, const std::string& minutes) {
  auto made = run_avflow({"demo-catalogue", data, "--minutes", minutes, "--movies", "1", "--shows", "0"});
  INFO(made.err);
  REQUIRE(made.exit_code == 0);
}

// A small demo catalogue (`movies` 30 s movies and a show of two 30 s
// episodes) prepared into shards under `dir`; returns the shards' folder.
// Fails the test (REQUIRE) when either step fails. About 10 s on 2 cores
// with one movie.
inline std::string prepare_small_demo(const TempDir& dir, int movies = 1) {
  const std::string data = dir.path() + "/data", prepared = dir.path() + "/prepared";
  auto made = run_avflow(
      {"demo-catalogue", data, "--minutes", "0.5", "--movies", std::to_string(movies), "--shows", "1", "--episodes", "2"});
  INFO(made.err);
  REQUIRE(made.exit_code == 0);
  auto prep = run_process(prepare_command(data, prepared, dir.path() + "/report.jsonl"));
  INFO(prep.err);
  REQUIRE(prep.exit_code == 0);
  return prepared;
}

// `--set` arguments that shrink pretrain_movie.toml / pretrain_tv.toml (and
// the ablations built on them) to a test's size over `prepared` shards: one
// epoch of 16 snippets, crops of 64, a 4-channel model on the CPU, and a
// KL monitor sample of 8 snippets from every shard.
inline std::vector<std::string> shrunk_pretrain_sets(const std::string& prepared) {
  std::vector<std::string> args;
  for (const std::string& set :
       {"sampler.shards=" + prepared, "reader.dir=" + prepared, std::string("sampler.catalogue="),
        std::string("sampler.epoch_snippets=16"), std::string("sampler.epochs=1"), std::string("train.epochs=1"),
        std::string("train.video_width=4"), std::string("train.audio_width=4"), std::string("train.blocks=1"),
        std::string("train.embedding_dim=16"), std::string("augment.crop=64"), std::string("train.device=cpu"),
        "heldout_sampler.shards=" + prepared, std::string("heldout_sampler.catalogue="),
        "heldout_reader.dir=" + prepared, std::string("heldout_sampler.batch_size=8"),
        std::string("heldout_sampler.epoch_snippets=8"), std::string("kl.sample=8"),
        std::string("heldout_clip.crop=64")}) {
    args.push_back("--set");
    args.push_back(set);
  }
  return args;
}

// tone -> count, small and fast; `count` expects `expect` items.
inline std::string counting_graph(int items, int expect) {
  return "[[node]]\nname = \"tone\"\nop = \"tone\"\ncount = " + std::to_string(items) +
         "\nduration = 0.01\n\n"
         "[[node]]\nname = \"count\"\nop = \"count\"\nexpect = " +
         std::to_string(expect) +
         "\n\n"
         "[[edge]]\nfrom = \"tone.pcm\"\nto = \"count.in\"\n";
}

// An endless source through a slow stage into a counter that logs every item.
inline std::string endless_graph(double delay_ms) {
  return "[[node]]\nname = \"tone\"\nop = \"tone\"\ncount = 0\nduration = 0.01\n\n"
         "[[node]]\nname = \"slow\"\nop = \"throttle\"\ndelay_ms = " + std::to_string(delay_ms) + "\n\n"
         "[[node]]\nname = \"count\"\nop = \"count\"\nlog_every = 1\n\n"
         "[[edge]]\nfrom = \"tone\"\nto = \"slow\"\n\n"
         "[[edge]]\nfrom = \"slow\"\nto = \"count\"\n";
}

// The pid `avflow launch` reports for `rank`, read from its "rank R is pid P"
// line; -1 before that line.
inline pid_t launched_pid(const std::string& err, int rank) {
  const std::string key = "avflow launch: rank " + std::to_string(rank) + " is pid ";
  const size_t at = err.find(key);
  return at == std::string::npos ? -1 : static_cast<pid_t>(std::stol(err.substr(at + key.size())));
}

}  // namespace avflow::test
