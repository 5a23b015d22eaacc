#include "engine/params.h"

#include "engine/text_format.h"

#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <sstream>
#include <stdexcept>

namespace avflow {

std::string_view to_string(ParamKind kind) {
  switch (kind) {
    case ParamKind::kInt: return "int";
    case ParamKind::kFloat: return "float";
    case ParamKind::kBool: return "bool";
    case ParamKind::kString: return "string";
    case ParamKind::kIntList: return "int list";
    case ParamKind::kFloatList: return "float list";
    case ParamKind::kStringList: return "string list";
  }
  return "?";
}

namespace {
// Floats recognisable as floats (TOML: 2.0, not 2; inf and nan as TOML spells them).
std::string format_double(double d) {
  if (std::isnan(d)) return "nan";
  if (std::isinf(d)) return d > 0 ? "inf" : "-inf";
  std::string s = shortest_double(d);
  if (s.find_first_of(".eE") == std::string::npos) s += ".0";
  return s;
}
std::string quote(const std::string& s) { return json_string(s); }  // also a TOML basic string
template <class T, class F>
std::string format_list(const std::vector<T>& v, F f) {
  std::string s = "[";
  for (size_t i = 0; i < v.size(); ++i) s += (i ? ", " : "") + f(v[i]);
  return s + "]";
}
}  // namespace

std::string format_value(const ParamValue& v) {
  struct Visitor {
    std::string operator()(int64_t i) const { return std::to_string(i); }
    std::string operator()(double d) const { return format_double(d); }
    std::string operator()(bool b) const { return b ? "true" : "false"; }
    std::string operator()(const std::string& s) const { return quote(s); }
    std::string operator()(const std::vector<int64_t>& v) const {
      return format_list(v, [](int64_t i) { return std::to_string(i); });
    }
    std::string operator()(const std::vector<double>& v) const { return format_list(v, format_double); }
    std::string operator()(const std::vector<std::string>& v) const { return format_list(v, quote); }
  };
  return std::visit(Visitor{}, v);
}

std::string range_text(const ParamSpec& spec) {
  const Range& r = spec.range;
  bool ints = spec.kind == ParamKind::kInt || spec.kind == ParamKind::kIntList;
  auto f = [&](double d) {
    return ints ? std::to_string(static_cast<long long>(d)) : format_double(d);
  };
  if (r.min && r.max) return "[" + f(*r.min) + ", " + f(*r.max) + "]";
  if (r.min) return ">= " + f(*r.min);
  if (r.max) return "<= " + f(*r.max);
  return {};
}

const ParamValue& ParamSet::raw(const std::string& name) const {
  auto it = values_.find(name);
  if (it == values_.end()) throw std::logic_error("parameter '" + name + "' read but not declared");
  return it->second;
}

}  // namespace avflow
