// The sampling-policy plugins this project builds (plugins/sampler_*), for
// code that loads them by file rather than through avflow's start-up scan:
// tests and benchmarks.
#pragma once

#include <string>

#include "engine/plugin_loader.h"

namespace avflow::sampling {

inline constexpr const char* kPolicyPlugins[] = {"sampler_uniform", "sampler_title_grouping", "sampler_adjacent",
                                                 "sampler_scene_aware", "sampler_temporal_clips"};

// Loads each of them from `dir` (build/plugins) into the loader's registry.
inline void load_policy_plugins(PluginLoader& loader, const std::string& dir) {
  for (const char* name : kPolicyPlugins) {
    std::string path = dir + "/lib";
    path.append(name).append(".so");
    loader.load_file(path, {path});
  }
}

}  // namespace avflow::sampling
