// Shared by the CLI tests: the program's path and small graph texts.
#pragma once

#include <string>
#include <vector>

#include "tests/support/process.h"

namespace avflow::test {

inline std::string avflow_program() { return std::string(AVFLOW_BINARY_DIR) + "/avflow"; }

inline ProcessResult run_avflow(std::vector<std::string> args) {
  args.insert(args.begin(), avflow_program());
  return run_process(args);
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

}  // namespace avflow::test
