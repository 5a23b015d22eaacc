// Extensions: named objects other than operators that plugins contribute,
// grouped by kind (like GStreamer's registry holding element factories beside
// typefinders). The engine stores and lists them and knows nothing of what a
// kind means: an operator defines an interface, names a kind for it, and
// looks implementations up by name, e.g. the sampler's policies:
//
//   class SamplingPolicyFactory {
//    public:
//     AVFLOW_EXTENSION_INTERFACE(SamplingPolicyFactory, "sampling_policy");
//     ...
//   };
//   AVFLOW_REGISTER_EXTENSION(UniformPolicy, "uniform", "i.i.d. snippets");  // engine/registration.h
//   const auto* f = registry.extension<SamplingPolicyFactory>("uniform");
#pragma once

#include <memory>
#include <string>
#include <vector>
#include <typeindex>

namespace avflow {

struct ExtensionInfo {
  std::string kind;    // the interface's name, e.g. "sampling_policy"
  std::string name;    // what a graph calls it, e.g. "uniform"
  std::string doc;     // one line for `avflow ops`
  std::string origin;  // "built-in" or the plugin library's path
  std::shared_ptr<const void> object;
  std::type_index type = typeid(void);  // the object's C++ type, checked on lookup
  // Lines `avflow ops` and the docs print under it: what the interface says
  // of the object through extension_details() (a loss term's settings), if
  // it says anything.
  std::vector<std::string> details;
};

}  // namespace avflow

// Inside an interface's class: the interface extensions of this kind are
// registered and looked up as (the registry checks the type on lookup).
#define AVFLOW_EXTENSION_INTERFACE(Interface, Kind) \
  using ExtensionInterface = Interface;             \
  static constexpr const char* kExtensionKind = Kind
