// Validation: a GraphSpec checked against the operator registry.
//
// Runs before anything executes and reports every problem at once, each with
// file:line:column and the node: unknown operators, ports and parameters
// (with did-you-mean), duplicate node names, payload-type mismatches on
// edges, required inputs left unconnected, cycles, parameters of the wrong
// type or out of range. On success, the ResolvedGraph is what the executor
// wires.
#pragma once

#include <map>
#include <string>
#include <vector>

#include "engine/graph_spec.h"
#include "engine/registry.h"

namespace avflow {

struct ResolvedNode {
  std::string name;
  const OperatorInfo* op;
  ParamSet params;
  SourceLocation where;
  // Each side value the node reads (Contract::reads) -> the node upstream
  // that publishes it.
  std::map<std::string, std::string> side_sources;
};

struct ResolvedEdge {
  size_t from_node, from_port;  // output port index
  size_t to_node, to_port;      // input port index
  SourceLocation where;
};

struct ResolvedGraph {
  GraphSettings settings;
  std::string file;
  std::vector<ResolvedNode> nodes;
  std::vector<ResolvedEdge> edges;
  std::vector<size_t> topo_order;  // sources first

  size_t index_of(const std::string& node) const;  // throws std::out_of_range
};

// Throws GraphError with every diagnostic when the graph is not valid.
ResolvedGraph validate(const GraphSpec& spec, const Registry& registry);

// Checks one value against a parameter declaration and converts it (an
// integer where a float is declared, for instance). Returns the error text,
// empty on success.
std::string check_param(const ParamSpec& spec, const ParamValue& given, ParamValue& out);

}  // namespace avflow
