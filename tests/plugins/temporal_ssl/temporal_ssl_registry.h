// Plugin temporal_ssl, loaded once from the build's plugins folder into a
// registry of the tests' own, and its loss terms by name.
#pragma once

#include <catch2/catch.hpp>
#include <string>

#include "engine/plugin_loader.h"
#include "engine/registry.h"
#include "libs/model/loss_term.h"

namespace avflow::test {

inline const Registry& temporal_ssl() {
  static Registry* registry = [] {
    auto* r = new Registry;
    static PluginLoader loader(*r);
    const std::string path = AVFLOW_BINARY_DIR "/plugins/libtemporal_ssl.so";
    loader.load_file(path, {path});
    return r;
  }();
  return *registry;
}

inline const model::LossTerm& term(const std::string& name) {
  const auto* t = temporal_ssl().extension<model::LossTerm>(name);
  REQUIRE(t != nullptr);
  return *t;
}

}  // namespace avflow::test
