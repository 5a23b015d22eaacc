#include "engine/param_rules.h"

namespace avflow {
namespace {

template <class T>
ParamRule ordered(const Param<T>& low, const Param<T>& high) {
  const std::string lo = low.name(), hi = high.name();
  return {lo + " <= " + hi, [lo, hi](const ParamSet& p) -> std::optional<ParamProblem> {
            const auto& a = std::get<typename Param<T>::Storage>(p.raw(lo));
            const auto& b = std::get<typename Param<T>::Storage>(p.raw(hi));
            if (a <= b) return std::nullopt;
            return ParamProblem{lo, "(" + format_value(p.raw(lo)) + ") must not exceed " + hi + " (" + format_value(p.raw(hi)) + ")"};
          }};
}

}  // namespace

ParamRule exactly_one_of(const Param<std::string>& a, const Param<std::string>& b) {
  const std::string x = a.name(), y = b.name();
  return {"exactly one of " + x + " and " + y + " is set",
          [x, y](const ParamSet& p) -> std::optional<ParamProblem> {
            const bool has_x = !std::get<std::string>(p.raw(x)).empty();
            const bool has_y = !std::get<std::string>(p.raw(y)).empty();
            if (has_x != has_y) return std::nullopt;
            if (has_x) return ParamProblem{y, "is set beside " + x + ": set exactly one of " + x + " and " + y};
            return ParamProblem{"", "sets neither " + x + " nor " + y + ": set exactly one of them"};
          }};
}

ParamRule at_most_one_of(const Param<std::string>& a, const Param<std::string>& b) {
  const std::string x = a.name(), y = b.name();
  return {"at most one of " + x + " and " + y + " is set",
          [x, y](const ParamSet& p) -> std::optional<ParamProblem> {
            if (std::get<std::string>(p.raw(x)).empty() || std::get<std::string>(p.raw(y)).empty()) return std::nullopt;
            return ParamProblem{y, "is set beside " + x + ": set one of them, not both"};
          }};
}

ParamRule at_least_one_of(const Param<bool>& a, const Param<bool>& b) {
  const std::string x = a.name(), y = b.name();
  return {x + " or " + y + " is true", [x, y](const ParamSet& p) -> std::optional<ParamProblem> {
            if (std::get<bool>(p.raw(x)) || std::get<bool>(p.raw(y))) return std::nullopt;
            return ParamProblem{"", x + " and " + y + " are both false: nothing to do; set " + x + " or " + y +
                                        " to true"};
          }};
}

ParamRule not_empty(const Param<std::string>& param, const std::string& hint) {
  const std::string x = param.name();
  return {x + " is set", [x, hint](const ParamSet& p) -> std::optional<ParamProblem> {
            if (!std::get<std::string>(p.raw(x)).empty()) return std::nullopt;
            return ParamProblem{x, "is empty: " + hint};
          }};
}

ParamRule not_above(const Param<int64_t>& low, const Param<int64_t>& high) { return ordered(low, high); }
ParamRule not_above(const Param<double>& low, const Param<double>& high) { return ordered(low, high); }

ParamRule rule(std::string text, std::function<std::optional<ParamProblem>(const ParamSet&)> check) {
  return {std::move(text), std::move(check)};
}

std::vector<ParamProblem> broken_rules(const std::vector<ParamRule>& rules, const ParamSet& params) {
  std::vector<ParamProblem> problems;
  for (const auto& r : rules)
    if (auto problem = r.check(params)) problems.push_back(std::move(*problem));
  return problems;
}

}  // namespace avflow
