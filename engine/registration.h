// Registration: one family of macros for everything avflow looks up by
// name, used the same way in built-in code and in plugins.
//
//   AVFLOW_REGISTER(Gain, "gain", "multiplies a tensor by a constant");      // an operator
//   AVFLOW_REGISTER_EXTENSION(UniformPolicy, "uniform", "i.i.d. snippets");   // an extension
//   AVFLOW_PLUGIN("my_ops", "1.0");     // once per plugin library (engine/plugin_api.h)
//
// An extension's class derives from an interface that names its kind with
// AVFLOW_EXTENSION_INTERFACE (engine/extension.h); the registry stores one
// default-constructed, immutable instance of it.
//
// Each macro adds a record to a list private to the shared library (or
// program) it is compiled into; static initialisation only links records,
// it calls nothing of the engine. Where that library declares AVFLOW_PLUGIN,
// the list is the plugin's: the loader runs it after checking the plugin's
// ABI version and commits the result only if every registration succeeded.
// Anywhere else the records are built-ins, committed to Registry::global()
// as they are linked, at start-up.
#pragma once

#include "engine/registrar.h"

namespace avflow::detail {

// One registration, run against a Registrar when its library is committed.
struct PendingRegistration {
  void (*apply)(Registrar&);
  PendingRegistration* next = nullptr;
};

// Runs `apply` against a built-in Registrar and commits what it staged to
// Registry::global(); throws std::logic_error on a duplicate or bad contract.
void commit_builtin(void (*apply)(Registrar&));

}  // namespace avflow::detail

// The head of this library's list of plugin registrations: defined (hidden,
// so one per library) by AVFLOW_PLUGIN; a weak reference, so its address is
// null in a library that is no plugin.
extern "C" __attribute__((weak, visibility("hidden"))) avflow::detail::PendingRegistration*
    avflow_plugin_registrations;

namespace avflow::detail {

// Hidden: every library runs its own copy, which sees its own
// avflow_plugin_registrations (a shared copy would see another library's).
class __attribute__((visibility("hidden"))) RegistrationHook {
 public:
  explicit RegistrationHook(PendingRegistration& r) {
    if (&avflow_plugin_registrations != nullptr) {
      r.next = avflow_plugin_registrations;
      avflow_plugin_registrations = &r;
    } else {
      commit_builtin(r.apply);
    }
  }
};

}  // namespace avflow::detail

#define AVFLOW_CONCAT_INNER_(a, b) a##b
#define AVFLOW_CONCAT_(a, b) AVFLOW_CONCAT_INNER_(a, b)
#define AVFLOW_REGISTRATION_(Var, ...)                                                                   \
  static ::avflow::detail::PendingRegistration Var{[](::avflow::Registrar& registrar) { __VA_ARGS__; }}; \
  [[maybe_unused]] static const ::avflow::detail::RegistrationHook AVFLOW_CONCAT_(Var, _hook) { Var }

// Registers operator Class under its TOML name; put it at the bottom of the
// operator's own .cpp file.
#define AVFLOW_REGISTER(Class, Name, Doc) \
  AVFLOW_REGISTRATION_(AVFLOW_CONCAT_(avflow_registration_, __COUNTER__), registrar.add<Class>(Name, Doc))

// Registers one instance of Class (default-constructed) as the extension
// `Name` of its interface's kind.
#define AVFLOW_REGISTER_EXTENSION(Class, Name, Doc)                                                \
  AVFLOW_REGISTRATION_(AVFLOW_CONCAT_(avflow_registration_, __COUNTER__),                          \
                       registrar.add_extension<typename Class::ExtensionInterface>(                \
                           Class::kExtensionKind, Name, Doc, std::make_shared<const Class>()))
