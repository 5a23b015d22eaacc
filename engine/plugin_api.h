// Writing a plugin: one shared library, one C entry point.
//
//   #include "engine/plugin_api.h"
//   class Gain final : public avflow::Operator { ... AVFLOW_CONTRACT(...); };
//   AVFLOW_REGISTER(Gain, "gain", "multiplies a scalar by a factor");
//   AVFLOW_REGISTER_EXTENSION(MyLoss, "my_loss", "doc");   // e.g. a loss term
//   AVFLOW_PLUGIN("my_ops", "1.0");                        // once, at global scope
//
// Registrations are the same macros as built-in code uses
// (engine/registration.h), in any file of the library. AVFLOW_PLUGIN defines
// `avflow_plugin_entry`, which returns the plugin's ABI version, name,
// version and registration function, and makes the library's registrations
// the plugin's. The loader checks the ABI version before it calls anything
// else, then runs the registrations and commits them only when all succeed,
// so a failing plugin leaves nothing half-registered. Bump kPluginAbiVersion
// whenever a change to engine/ headers can break a plugin built against the
// old ones.
#pragma once

#include <algorithm>
#include <cstdio>
#include <exception>
#include <string>
#include <vector>

#include "engine/registration.h"

namespace avflow {

// 2: plugins may register extensions (engine/extension.h).
// 3: registrations are AVFLOW_REGISTER / AVFLOW_REGISTER_EXTENSION records
//    run against a Registrar (engine/registrar.h).
// 4: sampling policies' picks carry a span and their parameters the speeds
//    of clip groups (libs/sampling/sampling_policy.h); Context tells which
//    inputs are connected.
inline constexpr int kPluginAbiVersion = 4;

}  // namespace avflow

extern "C" {
struct avflow_plugin_descriptor {
  int abi_version;
  const char* name;
  const char* version;
  // Returns 0 on success; otherwise writes a message into `error`.
  int (*register_operators)(avflow::Registrar* registrar, char* error, unsigned long error_size);
};
}

#define AVFLOW_PLUGIN_ENTRY_SYMBOL "avflow_plugin_entry"

namespace avflow::detail {

// Runs this library's registrations, in the order they were written, and
// turns an exception into the loader's error message. Hidden: each plugin
// runs its own list.
__attribute__((visibility("hidden"))) inline int register_this_plugin(Registrar* registrar, char* error,
                                                                     unsigned long error_size) {
  auto report = [&](std::string message) {
    if (error_size == 0) return 1;
    message.resize(std::min<unsigned long>(message.size(), error_size - 1));
    std::copy(message.begin(), message.end(), error);
    error[message.size()] = 0;
    return 1;
  };
  try {
    std::vector<PendingRegistration*> in_order;
    for (PendingRegistration* r = avflow_plugin_registrations; r; r = r->next) in_order.push_back(r);
    std::reverse(in_order.begin(), in_order.end());  // linked newest first
    for (PendingRegistration* r : in_order) r->apply(*registrar);
    return 0;
  } catch (const std::exception& e) {
    return report(e.what());
  } catch (...) {
    return report("an exception not derived from std::exception");
  }
}

}  // namespace avflow::detail

// Declares this library an avflow plugin named Name at Version; at global
// scope, once per library.
#define AVFLOW_PLUGIN(Name, Version)                                                                   \
  extern "C" {                                                                                         \
  __attribute__((visibility("hidden"))) ::avflow::detail::PendingRegistration*                         \
      avflow_plugin_registrations = nullptr;                                                           \
  __attribute__((visibility("default"))) const avflow_plugin_descriptor* avflow_plugin_entry() {       \
    static const avflow_plugin_descriptor d{::avflow::kPluginAbiVersion, Name, Version,                \
                                            &::avflow::detail::register_this_plugin};                  \
    return &d;                                                                                         \
  }                                                                                                    \
  }                                                                                                    \
  static_assert(true, "AVFLOW_PLUGIN ends with a semicolon")
