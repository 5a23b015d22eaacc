// Bootstrap resamples of a sample (drawn with replacement, as counts per
// value) and percentile intervals over the statistics of the resamples.
#pragma once

#include <cstdint>
#include <string_view>
#include <vector>

namespace avflow::monitor {

// How many times each of n values is drawn in n draws with replacement.
// The draws come from a stream keyed by (seed, resample, purpose), so a
// resample is the same whatever order, or thread, computes it.
std::vector<uint32_t> resample_counts(size_t n, uint64_t seed, uint64_t resample, std::string_view purpose);

struct Interval {
  double lo = 0, hi = 0;
};

// The percentile interval at `level` (e.g. 0.95): the (1 - level) / 2 and
// (1 + level) / 2 quantiles of `statistics`, linearly interpolated. Throws
// std::invalid_argument when statistics is empty or level is not in (0, 1).
Interval percentile_interval(std::vector<double> statistics, double level);

}  // namespace avflow::monitor
