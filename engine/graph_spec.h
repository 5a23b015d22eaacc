// GraphSpec: a graph as written in TOML, before it is checked.
//
//   include = ["common.toml"]            # relative to this file
//   plugins = ["my_ops", "lib/x.so"]     # names (searched) or paths
//   [graph]
//   name = "demo"
//   max_in_flight = 32                   # per source; bounds memory
//   [[node]]
//   name = "src"
//   op = "sine"
//   frequency = 440.0                    # every other key is a parameter
//   [[edge]]
//   from = "src.pcm"                     # "node" alone when it has one port
//   to = "mel.pcm"
//   [set]                                # parameters of nodes from includes
//   mel.n_mels = 64                      # (as --set mel.n_mels=64 would)
//
// Every element remembers the file, line and column it came from, so each
// later error can point at it.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "engine/diagnostics.h"
#include "engine/params.h"

namespace avflow {

struct ParamEntry {
  std::string name;
  ParamValue value;  // as written: integer, float, bool, string or a list
  SourceLocation where;
};

struct NodeSpec {
  std::string name;
  std::string op;
  SourceLocation where;     // the [[node]] table
  SourceLocation op_where;  // the op = "..." value
  std::vector<ParamEntry> params;
};

struct Endpoint {
  std::string node;
  std::string port;  // empty: the node's only port in that direction
  std::string str() const { return port.empty() ? node : node + "." + port; }
};

struct EdgeSpec {
  Endpoint from;
  Endpoint to;
  SourceLocation where;
};

struct PluginRef {
  std::string entry;     // as written
  std::string base_dir;  // directory of the file that named it
  SourceLocation where;
};

// Bounds of [graph] max_in_flight, in a file or from --set.
inline constexpr int64_t kMaxInFlightMin = 1;
inline constexpr int64_t kMaxInFlightMax = 1'000'000;
inline bool max_in_flight_ok(int64_t m) { return m >= kMaxInFlightMin && m <= kMaxInFlightMax; }

struct GraphSettings {
  std::string name;
  std::string doc;
  int64_t max_in_flight = 32;
  // The run's checkpoint folder, one for every node that saves or resumes
  // state (a trainer writes it, a sampler resumes from it): [graph]
  // checkpoints or --set graph.checkpoints=DIR; empty: no checkpoints.
  std::string checkpoints;
  // Set by `avflow run --resume` (or --set graph.resume=true), not in files:
  // operators that saved state continue from it (Context::resuming()).
  bool resume = false;
};

struct GraphSpec {
  std::string file;  // the top-level file
  GraphSettings settings;
  std::vector<NodeSpec> nodes;
  std::vector<EdgeSpec> edges;
  std::vector<PluginRef> plugins;
  std::vector<std::string> files;  // every file read, top-level first
};

// Reads a graph file and its includes. Throws GraphError listing every
// problem found (syntax, structure, include cycles, missing files).
GraphSpec load_graph_file(const std::string& path);

// Same, from text; `path` names it in diagnostics and anchors relative
// includes and plugin paths.
GraphSpec parse_graph_string(const std::string& text, const std::string& path);

// Where a --set came from; a [set] line carries its file and line instead.
inline constexpr const char* kCommandLine = "<command line>";

// One --set node.param=value from the command line, or one node.param =
// value line of a [set] table. The value is read as a TOML value (16, 0.5,
// true, "x", [1, 2]); on the command line anything that is not one is taken
// as a plain string, so --set sampler.policy=uniform works unquoted.
struct Override {
  std::string node;   // "graph" addresses [graph] settings
  std::string param;
  ParamValue value;
  SourceLocation where;  // kCommandLine with column = index of the --set, or the [set] line
};

// Parses "node.param=value"; throws GraphError on a malformed one.
Override parse_override(const std::string& text, int index);

// Applies overrides to the spec: replaces or adds the parameter. Unknown
// nodes are reported with a suggestion; parameters are checked by validate().
void apply_overrides(GraphSpec& spec, const std::vector<Override>& overrides);

}  // namespace avflow
