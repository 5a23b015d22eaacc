// Rules across an operator's parameters, declared in its contract beside the
// parameters they relate:
//
//   AVFLOW_CONTRACT(..., kUri, kCatalogue, exactly_one_of(kUri, kCatalogue));
//
// Validation runs them once every parameter passed its own type and range
// check, so `avflow check` refuses a graph that breaks one before anything
// runs; `avflow ops` and the operator reference list them by their text.
#pragma once

#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "engine/params.h"

namespace avflow {

// A broken rule: the parameter it is about (the graph's FILE:LINE of its
// value; empty: the node as a whole) and why.
struct ParamProblem {
  std::string param;
  std::string message;
};

struct ParamRule {
  std::string text;  // "exactly one of uri, catalogue is set", as `avflow ops` prints it
  std::function<std::optional<ParamProblem>(const ParamSet&)> check;
};

// One of two string parameters is non-empty, not both.
ParamRule exactly_one_of(const Param<std::string>& a, const Param<std::string>& b);
// At most one of two string parameters is non-empty.
ParamRule at_most_one_of(const Param<std::string>& a, const Param<std::string>& b);
// At least one of two switches is on.
ParamRule at_least_one_of(const Param<bool>& a, const Param<bool>& b);
// A string parameter is set to something; `hint` says what.
ParamRule not_empty(const Param<std::string>& p, const std::string& hint);
// low <= high (a range given as two parameters).
ParamRule not_above(const Param<int64_t>& low, const Param<int64_t>& high);
ParamRule not_above(const Param<double>& low, const Param<double>& high);
// Any other rule: its text, and a check that names what broke it.
ParamRule rule(std::string text, std::function<std::optional<ParamProblem>(const ParamSet&)> check);

// The problems of every rule, in declaration order.
std::vector<ParamProblem> broken_rules(const std::vector<ParamRule>& rules, const ParamSet& params);

}  // namespace avflow
