#include "engine/registry.h"

#include <stdexcept>

namespace avflow {

Registry& Registry::global() {
  static Registry registry;
  return registry;
}

void Registry::add(OperatorInfo info) {
  if (info.name.empty()) throw std::logic_error("operator registered with an empty name");
  auto it = ops_.find(info.name);
  if (it != ops_.end()) {
    throw std::logic_error("operator '" + info.name + "' from " + info.origin +
                           " is already registered by " + it->second.origin);
  }
  info.contract.check(info.name);
  std::string name = info.name;
  ops_.emplace(std::move(name), std::move(info));
}

const OperatorInfo* Registry::find(const std::string& name) const {
  auto it = ops_.find(name);
  return it == ops_.end() ? nullptr : &it->second;
}

std::vector<std::string> Registry::names() const {
  std::vector<std::string> out;
  for (const auto& [name, _] : ops_) out.push_back(name);
  return out;
}

}  // namespace avflow
