// Scalars rows that a test_capture node kept, and one value of a row by name.
#pragma once

#include <stdexcept>
#include <string>
#include <vector>

#include "engine/payloads/scalars.h"
#include "tests/support/capture_sink.h"

namespace avflow::test {

// The rows `node` captured, in source item order (and forgets them).
inline std::vector<Scalars> take_scalars(const std::string& node) {
  std::vector<Scalars> rows;
  for (const auto& p : Captured::instance().take_in_item_order(node)) rows.push_back(p.get<Scalars>());
  return rows;
}

// Whether the row has a value named `key`.
inline bool has_scalar(const Scalars& row, const std::string& key) {
  for (const auto& [k, v] : row.values)
    if (k == key) return true;
  return false;
}

// The value named `key`; throws (failing the test) when the row has none.
inline double scalar(const Scalars& row, const std::string& key) {
  for (const auto& [k, v] : row.values)
    if (k == key) return v;
  throw std::out_of_range("the row of step " + std::to_string(row.step) + " has no '" + key + "'");
}

}  // namespace avflow::test
