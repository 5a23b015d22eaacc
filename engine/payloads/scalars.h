// Scalars payload: one row of named numbers (a loss, a learning rate, a
// tensor's statistics), with the step it belongs to.
#pragma once

#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include "engine/payload.h"

namespace avflow {

struct Scalars {
  int64_t step = 0;
  std::vector<std::pair<std::string, double>> values;
};

inline std::string describe(const Scalars& s) {
  std::string out = "step " + std::to_string(s.step);
  for (const auto& [k, v] : s.values) out += " " + k + "=" + std::to_string(v);
  return out;
}

}  // namespace avflow

AVFLOW_PAYLOAD(avflow::Scalars, "scalars", "named scalar values at one step (metrics)")
