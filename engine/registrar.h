// Registrar: collects registrations (operators and extensions) before they
// reach a Registry, so that a set of them is committed whole or not at all.
// Every registration macro (engine/registration.h) writes into one; the
// engine then commits built-ins at start-up and a plugin's after its checks
// (engine/plugin_loader.cpp).
#pragma once

#include <memory>
#include <string>
#include <typeindex>
#include <vector>

#include "engine/extension.h"
#include "engine/registry.h"

namespace avflow {

class Registrar {
 public:
  // `origin`: "built-in" or the plugin library's path.
  explicit Registrar(std::string origin) : origin_(std::move(origin)) {}

  // Operator Op under its TOML name. Throws std::logic_error when its
  // contract is invalid.
  template <class Op>
  void add(const std::string& name, const std::string& doc) {
    OperatorInfo info{name, doc, origin_, Op::contract(), [] { return std::make_unique<Op>(); }};
    info.contract.check(name);
    staged_.push_back(std::move(info));
  }
  // An extension object of interface T under (kind, name): engine/extension.h.
  template <class T>
  void add_extension(const std::string& kind, const std::string& name, const std::string& doc,
                     std::shared_ptr<const T> object) {
    ExtensionInfo info{kind, name, doc, origin_, object, std::type_index(typeid(T)), {}};
    if constexpr (requires(const T& t) { t.extension_details(); }) info.details = object->extension_details();
    staged_extensions_.push_back(std::move(info));
  }

  const std::string& origin() const { return origin_; }
  std::vector<OperatorInfo>& staged() { return staged_; }
  std::vector<ExtensionInfo>& staged_extensions() { return staged_extensions_; }

 private:
  std::string origin_;
  std::vector<OperatorInfo> staged_;
  std::vector<ExtensionInfo> staged_extensions_;
};

}  // namespace avflow
