// Shared by the CLI tests: the program's path, small graph texts and a
// small prepared demo catalogue.
#pragma once

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

// A small demo catalogue (a 30 s movie and a show of two 30 s episodes)
// prepared into shards under `dir`; returns the shards' folder. Fails the
// test (REQUIRE) when either step fails. About 10 s on 2 cores.
inline std::string prepare_small_demo(const TempDir& dir) {
  const std::string data = dir.path() + "/data", prepared = dir.path() + "/prepared";
  auto made = run_avflow({"demo-catalogue", data, "--minutes", "0.5", "--movies", "1", "--shows", "1", "--episodes", "2"});
  INFO(made.err);
  REQUIRE(made.exit_code == 0);
  auto prep = run_avflow({"run", std::string(AVFLOW_SOURCE_DIR) + "/graphs/prepare.toml", "--progress", "never",
                          "--set", "titles.catalogue=" + data, "--set", "titles.split=all",
                          "--set", "prepare.out=" + prepared, "--set", "report.path=" + dir.path() + "/report.jsonl"});
  INFO(prep.err);
  REQUIRE(prep.exit_code == 0);
  return prepared;
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

}  // namespace avflow::test
