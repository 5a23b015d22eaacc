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

void Registry::add_extension(ExtensionInfo info) {
  if (info.kind.empty() || info.name.empty()) throw std::logic_error("extension registered with an empty kind or name");
  if (!info.object) throw std::logic_error(info.kind + " '" + info.name + "' registered without an object");
  auto key = std::make_pair(info.kind, info.name);
  if (auto it = extensions_.find(key); it != extensions_.end())
    throw std::logic_error(info.kind + " '" + info.name + "' from " + info.origin + " is already registered by " +
                           it->second.origin);
  extensions_.emplace(std::move(key), std::move(info));
}

const ExtensionInfo* Registry::find_extension(const std::string& kind, const std::string& name) const {
  auto it = extensions_.find({kind, name});
  return it == extensions_.end() ? nullptr : &it->second;
}

std::vector<const ExtensionInfo*> Registry::extensions(const std::string& kind) const {
  std::vector<const ExtensionInfo*> out;
  for (auto it = extensions_.lower_bound({kind, ""}); it != extensions_.end() && it->first.first == kind; ++it)
    out.push_back(&it->second);
  return out;
}

std::vector<std::string> Registry::extension_kinds() const {
  std::vector<std::string> out;
  for (const auto& [key, _] : extensions_)
    if (out.empty() || out.back() != key.first) out.push_back(key.first);
  return out;
}

namespace detail {

void commit_builtin(void (*apply)(Registrar&)) {
  Registrar staged("built-in");
  apply(staged);
  Registry& registry = Registry::global();
  for (auto& op : staged.staged()) registry.add(std::move(op));
  for (auto& e : staged.staged_extensions()) registry.add_extension(std::move(e));
}

}  // namespace detail
}  // namespace avflow
