#include "engine/contract.h"

#include <set>
#include <stdexcept>

namespace avflow {

std::string_view to_string(Shape shape) {
  switch (shape) {
    case Shape::kSource: return "source";
    case Shape::kFunction: return "function";
    case Shape::kMulti: return "multi";
    case Shape::kSink: return "sink";
  }
  return "?";
}

Shape Contract::shape() const {
  if (inputs.empty()) return Shape::kSource;
  if (outputs.empty()) return Shape::kSink;
  if (one_to_one && inputs.size() == 1 && outputs.size() == 1) return Shape::kFunction;
  return Shape::kMulti;
}

template <class V>
static auto find_named(const V& v, const std::string& name) -> decltype(&v[0]) {
  for (const auto& x : v)
    if (x.name == name) return &x;
  return nullptr;
}
template <class V>
static std::vector<std::string> names_of(const V& v) {
  std::vector<std::string> out;
  for (const auto& x : v) out.push_back(x.name);
  return out;
}

const PortSpec* Contract::input(const std::string& n) const { return find_named(inputs, n); }
const PortSpec* Contract::output(const std::string& n) const { return find_named(outputs, n); }
const ParamSpec* Contract::param(const std::string& n) const { return find_named(params, n); }
const Publishes* Contract::published(const std::string& n) const { return find_named(publishes, n); }
const Reads* Contract::read(const std::string& n) const { return find_named(reads, n); }
std::vector<std::string> Contract::input_names() const { return names_of(inputs); }
std::vector<std::string> Contract::output_names() const { return names_of(outputs); }
std::vector<std::string> Contract::param_names() const { return names_of(params); }

void Contract::check(const std::string& op) const {
  auto fail = [&](const std::string& why) {
    throw std::logic_error("operator '" + op + "' has an invalid contract: " + why);
  };
  if (inputs.empty() && outputs.empty()) fail("it declares no ports");
  if (inputs.size() > kMaxPorts || outputs.size() > kMaxPorts)
    fail("more than " + std::to_string(kMaxPorts) + " ports in one direction");
  if (one_to_one && (inputs.size() != 1 || outputs.size() != 1))
    fail("kOneToOne needs exactly one input and one output");
  if (holds_inputs && (concurrency != Concurrency::kSerial || inputs.empty() || outputs.empty()))
    fail("kHoldsInputs needs a serial operator with inputs and outputs");
  std::set<std::string> seen;
  for (const auto& p : inputs)
    if (!seen.insert("in:" + p.name).second) fail("input port '" + p.name + "' declared twice");
  for (const auto& p : outputs)
    if (!seen.insert("out:" + p.name).second) fail("output port '" + p.name + "' declared twice");
  for (const auto& p : params) {
    if (!seen.insert("param:" + p.name).second) fail("parameter '" + p.name + "' declared twice");
    if (p.name == "name" || p.name == "op") fail("parameter name '" + p.name + "' is reserved");
  }
  auto param_of_kind = [&](const std::string& name, ParamKind kind, const std::string& what) {
    const ParamSpec* spec = param(name);
    if (!spec || spec->kind != kind)
      fail(what + " names '" + name + "', which is not one of its " + std::string(to_string(kind)) + " parameters");
  };
  for (const auto& p : publishes) {
    if (!seen.insert("publishes:" + p.name).second) fail("side value '" + p.name + "' published twice");
    if (!p.value_param.empty()) param_of_kind(p.value_param, ParamKind::kInt, "publishing '" + p.name + "'");
    if (!p.when.empty()) param_of_kind(p.when, ParamKind::kBool, "publishing '" + p.name + "'");
  }
  for (const auto& r : reads) {
    if (!seen.insert("reads:" + r.name).second) fail("side value '" + r.name + "' read twice");
    if (!r.param.empty()) param_of_kind(r.param, ParamKind::kInt, "reading '" + r.name + "'");
    if (!r.port.empty() && !input(r.port)) fail("reading '" + r.name + "' upstream of '" + r.port + "', which is not an input");
  }
}

}  // namespace avflow
