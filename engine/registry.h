// Registry: operator name -> contract and factory.
//
// Built-in operators register at start-up with AVFLOW_REGISTER; plugins
// register through their entry point (engine/plugin_api.h). Validation,
// `avflow ops` and the executor all look operators up here.
#pragma once

#include <functional>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "engine/contract.h"
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

 private:
  std::map<std::string, OperatorInfo> ops_;
};

struct Registration {
  template <class Op>
  Registration(Op*, const char* name, const char* doc) {
    Registry::global().add<Op>(name, doc);
  }
};

}  // namespace avflow

// Registers a built-in operator under its TOML name; put it at the bottom of
// the operator's own .cpp file.
#define AVFLOW_REGISTER(Class, Name, Doc)                                          \
  static const ::avflow::Registration avflow_registration_##Class(                 \
      static_cast<Class*>(nullptr), Name, Doc)
