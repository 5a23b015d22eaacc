// A run directory: where `avflow run GRAPH --run-dir DIR` records how the run
// was made, so that it can be repeated and compared from the directory alone.
// DIR/graph.toml is the resolved graph: every file it included merged, its
// [set] lines and the command's --set overrides applied, every parameter of
// every node written out (defaults included) and plugins by absolute path.
// `avflow run DIR/graph.toml` runs the same graph again.
//
// String parameters may name the run directory as {run_dir}
// (path = "{run_dir}/metrics.jsonl"), so that one graph puts the metrics,
// plots and checkpoints of each run in its own directory: --run-dir DIR, or
// runs/<graph name> when a graph uses {run_dir} and no --run-dir is given.
// graph.toml holds the substituted paths, so a repeat writes to DIR again.
#pragma once

#include <string>
#include <vector>

#include "engine/validate.h"

namespace avflow::cli {

inline constexpr const char* kResolvedGraphFile = "graph.toml";
// The line of graph.toml that records the --set overrides (run_label.h).
inline constexpr const char* kOverridesPrefix = "# overrides: ";
inline constexpr const char* kRunDirPlaceholder = "{run_dir}";

// Replaces {run_dir} by `dir` in the graph's checkpoint folder and in every
// string parameter (and string list) of every node; returns how many values
// changed.
size_t substitute_run_dir(ResolvedGraph& graph, const std::string& dir);

// The resolved graph as TOML; `overrides` are the --set arguments, recorded
// in a comment (they are applied in the text already).
std::string resolved_graph_toml(const ResolvedGraph& graph, const std::vector<std::string>& overrides,
                                const std::vector<std::string>& plugins);

// Creates `dir` and writes DIR/graph.toml (through a temporary file renamed
// into place). Throws std::runtime_error naming the path on failure.
void write_run_directory(const std::string& dir, const ResolvedGraph& graph, const std::vector<std::string>& overrides,
                         const std::vector<std::string>& plugins);

}  // namespace avflow::cli
