// Extensions: named objects other than operators that plugins contribute,
// grouped by kind (like GStreamer's registry holding element factories beside
// typefinders). The engine stores and lists them and knows nothing of what a
// kind means: an operator defines an interface, names a kind for it, and
// looks implementations up by name, e.g. the sampler's policies:
//
//   registrar.add_extension<SamplingPolicyFactory>("sampling_policy", "uniform", "i.i.d. snippets", factory);
//   const auto* f = registry.extension<SamplingPolicyFactory>("sampling_policy", "uniform");
#pragma once

#include <memory>
#include <string>
#include <typeindex>

namespace avflow {

struct ExtensionInfo {
  std::string kind;    // the interface's name, e.g. "sampling_policy"
  std::string name;    // what a graph calls it, e.g. "uniform"
  std::string doc;     // one line for `avflow ops`
  std::string origin;  // "built-in" or the plugin library's path
  std::shared_ptr<const void> object;
  std::type_index type = typeid(void);  // the object's C++ type, checked on lookup
};

}  // namespace avflow
