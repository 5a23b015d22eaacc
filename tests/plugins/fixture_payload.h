// The payload the fixture plugins and the plugin tests exchange. Both sides
// include this header; the engine matches payload types by name, so packets
// made inside a plugin are read by the test binary's operators.
#pragma once

#include <cstdint>
#include <string>

#include "engine/payload.h"

namespace avflow::test {

struct FixtureValue {
  int64_t value = 0;
};

inline std::string describe(const FixtureValue& v) { return "value " + std::to_string(v.value); }

}  // namespace avflow::test

AVFLOW_PAYLOAD(avflow::test::FixtureValue, "fixture_value", "an integer, for the plugin tests")
