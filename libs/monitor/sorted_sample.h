// A sample of a scalar sorted once, and its resamples as counts per value:
// what the KL monitor's estimators read.
#pragma once

#include <cstdint>
#include <span>
#include <vector>

namespace avflow::monitor {

struct SortedSample {
  std::vector<double> values;  // ascending, finite

  // Sorts `values`; throws std::invalid_argument for a value that is not
  // finite.
  static SortedSample of(std::vector<double> values);

  size_t size() const { return values.size(); }
  // The q-quantile (0 <= q <= 1), linearly interpolated; the sample must not
  // be empty.
  double quantile(double q) const;
};

// Multiplicity of each value of a SortedSample, as many as its values (a
// bootstrap resample); empty: each value once.
using Counts = std::span<const uint32_t>;

}  // namespace avflow::monitor
