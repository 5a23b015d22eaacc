// Human-readable views of operators and graphs, all read from the contracts:
// `avflow ops` (a list, or one operator in the manner of gst-inspect), the
// Markdown operator reference in docs/, and `avflow dot` (Graphviz).
#pragma once

#include <string>

#include "engine/registry.h"
#include "engine/validate.h"

namespace avflow {

std::string describe_operator(const OperatorInfo& op);
std::string list_operators(const Registry& registry);
std::string operators_markdown(const Registry& registry);
std::string graph_to_dot(const ResolvedGraph& graph);

}  // namespace avflow
