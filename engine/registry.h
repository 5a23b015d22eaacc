// Registry: operator name -> contract and factory.
//
// Operators and extensions register with the macros of
// engine/registration.h, built-ins at start-up and plugins when loaded
// (engine/plugin_api.h). Validation,
// `avflow ops` and the executor all look operators up here.
#pragma once

#include <functional>
#include <map>
#include <memory>
#include <stdexcept>
#include <string>
#include <vector>

#include "engine/contract.h"
#include "engine/extension.h"
#include "engine/operator.h"

namespace avflow {

struct OperatorInfo {
  std::string name;
  std::string doc;
  std::string origin;  // "built-in" or the plugin library's path
  Contract contract;
  std::function<std::unique_ptr<Operator>()> factory;
};

class Registry {
 public:
  static Registry& global();

  // Throws std::logic_error on a duplicate name or an invalid contract.
  void add(OperatorInfo info);

  template <class Op>
  void add(const std::string& name, const std::string& doc, const std::string& origin = "built-in") {
    add(OperatorInfo{name, doc, origin, Op::contract(), [] { return std::make_unique<Op>(); }});
  }

  const OperatorInfo* find(const std::string& name) const;
  std::vector<std::string> names() const;  // sorted

  // Extensions (engine/extension.h). Throws std::logic_error on a duplicate
  // (kind, name).
  void add_extension(ExtensionInfo info);
  const ExtensionInfo* find_extension(const std::string& kind, const std::string& name) const;
  std::vector<const ExtensionInfo*> extensions(const std::string& kind) const;  // sorted by name
  std::vector<std::string> extension_kinds() const;

  // The extension's object as a T; nullptr when none has that name. Throws
  // std::logic_error when it was registered as another type (a plugin built
  // against another version of the interface).
  template <class T>
  const T* extension(const std::string& kind, const std::string& name) const {
    const ExtensionInfo* e = find_extension(kind, name);
    if (!e) return nullptr;
    if (e->type != std::type_index(typeid(T)))
      throw std::logic_error(kind + " '" + name + "' from " + e->origin + " has type " + e->type.name() +
                             ", not the " + typeid(T).name() + " this avflow expects");
    return static_cast<const T*>(e->object.get());
  }
  // The same for an interface that names its kind (AVFLOW_EXTENSION_INTERFACE).
  template <class T>
  const T* extension(const std::string& name) const {
    return extension<T>(T::kExtensionKind, name);
  }

 private:
  std::map<std::string, OperatorInfo> ops_;
  std::map<std::pair<std::string, std::string>, ExtensionInfo> extensions_;
};

}  // namespace avflow

// AVFLOW_REGISTER and AVFLOW_REGISTER_EXTENSION, for every file that
// registers something (after Registry, which they commit to).
#include "engine/registration.h"
