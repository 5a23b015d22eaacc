// The project's own plugins (build/plugins: the sampling policies and
// temporal_ssl) loaded once into the global registry, as avflow's start-up
// scan loads them, for the tests that run graphs using them. Inline, so every
// test file of a suite shares the one load.
#pragma once

#include "engine/plugin_loader.h"
#include "engine/registry.h"

namespace avflow::test {

inline void load_project_plugins() {
  static const bool loaded = [] {
    static PluginLoader loader(Registry::global(), AVFLOW_BINARY_DIR "/plugins");
    loader.load_search_path();
    return true;
  }();
  (void)loaded;
}

}  // namespace avflow::test
