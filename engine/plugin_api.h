// Writing a plugin: one shared library, one C entry point.
//
//   #include "engine/plugin_api.h"
//   class Gain final : public avflow::Operator { ... AVFLOW_CONTRACT(...); };
//   AVFLOW_PLUGIN("my_ops", "1.0") {
//     registrar.add<Gain>("gain", "multiplies a scalar by a factor");
//     registrar.add_extension<SamplingPolicyFactory>("sampling_policy", "mine", "doc", factory);
//   }
//
// The macro defines `avflow_plugin_entry`, which returns the plugin's ABI
// version, name, version and registration function. The loader checks the
// ABI version before it calls anything else, stages the registrations, and
// commits them only when all succeed, so a failing plugin leaves nothing
// half-registered. Bump kPluginAbiVersion whenever a change to engine/
// headers can break a plugin built against the old ones.
#pragma once

#include <algorithm>
#include <cstdio>
#include <string>
#include <vector>

#include "engine/registry.h"

namespace avflow {

// 2: plugins may register extensions (engine/extension.h).
inline constexpr int kPluginAbiVersion = 2;

// Collects a plugin's operators; the loader commits them to the registry.
class PluginRegistrar {
 public:
  explicit PluginRegistrar(std::string origin) : origin_(std::move(origin)) {}

  template <class Op>
  void add(const std::string& name, const std::string& doc) {
    OperatorInfo info{name, doc, origin_, Op::contract(), [] { return std::make_unique<Op>(); }};
    info.contract.check(name);
    staged_.push_back(std::move(info));
  }
  // An extension object of interface T under (kind, name), e.g. a sampling
  // policy: see engine/extension.h.
  template <class T>
  void add_extension(const std::string& kind, const std::string& name, const std::string& doc,
                     std::shared_ptr<const T> object) {
    staged_extensions_.push_back(
        ExtensionInfo{kind, name, doc, origin_, std::move(object), std::type_index(typeid(T))});
  }

  std::vector<OperatorInfo>& staged() { return staged_; }
  std::vector<ExtensionInfo>& staged_extensions() { return staged_extensions_; }

 private:
  std::string origin_;
  std::vector<OperatorInfo> staged_;
  std::vector<ExtensionInfo> staged_extensions_;
};

}  // namespace avflow

extern "C" {
struct avflow_plugin_descriptor {
  int abi_version;
  const char* name;
  const char* version;
  // Returns 0 on success; otherwise writes a message into `error`.
  int (*register_operators)(avflow::PluginRegistrar* registrar, char* error, unsigned long error_size);
};
}

#define AVFLOW_PLUGIN_ENTRY_SYMBOL "avflow_plugin_entry"

#define AVFLOW_PLUGIN(Name, Version)                                                            \
  static void avflow_plugin_register_body(::avflow::PluginRegistrar& registrar);                 \
  static int avflow_plugin_register_c(::avflow::PluginRegistrar* r, char* err, unsigned long n) { \
    try {                                                                                        \
      avflow_plugin_register_body(*r);                                                           \
      return 0;                                                                                  \
    } catch (const std::exception& e) {                                                          \
      std::string m = e.what();                                                                  \
      if (n) {                                                                                   \
        m.resize(std::min<unsigned long>(m.size(), n - 1));                                      \
        std::copy(m.begin(), m.end(), err);                                                      \
        err[m.size()] = 0;                                                                       \
      }                                                                                          \
      return 1;                                                                                  \
    } catch (...) {                                                                              \
      if (n) std::snprintf(err, n, "%s", "an exception not derived from std::exception");       \
      return 1;                                                                                  \
    }                                                                                            \
  }                                                                                              \
  extern "C" __attribute__((visibility("default"))) const avflow_plugin_descriptor*            \
  avflow_plugin_entry() {                                                                        \
    static const avflow_plugin_descriptor d{::avflow::kPluginAbiVersion, Name, Version,          \
                                            &avflow_plugin_register_c};                          \
    return &d;                                                                                   \
  }                                                                                              \
  static void avflow_plugin_register_body(::avflow::PluginRegistrar& registrar)
