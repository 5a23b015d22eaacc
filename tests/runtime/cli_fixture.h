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

// An endless source through a slow stage into a counter that logs every item.
inline std::string endless_graph(double delay_ms) {
  return "[[node]]\nname = \"tone\"\nop = \"tone\"\ncount = 0\nduration = 0.01\n\n"
         "[[node]]\nname = \"slow\"\nop = \"throttle\"\ndelay_ms = " + std::to_string(delay_ms) + "\n\n"
         "[[node]]\nname = \"count\"\nop = \"count\"\nlog_every = 1\n\n"
         "[[edge]]\nfrom = \"tone\"\nto = \"slow\"\n\n"
         "[[edge]]\nfrom = \"slow\"\nto = \"count\"\n";
}

}  // namespace avflow::test
