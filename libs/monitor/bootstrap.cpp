#include "libs/monitor/bootstrap.h"

#include <stdexcept>
#include <string>

#include "libs/monitor/sorted_sample.h"
#include "libs/random/item_random.h"

namespace avflow::monitor {

std::vector<uint32_t> resample_counts(size_t n, uint64_t seed, uint64_t resample, std::string_view purpose) {
  std::vector<uint32_t> counts(n, 0);
  if (n == 0) return counts;
  random::ItemRandom rng(seed, resample, 0, purpose);
  // A uniform index by the high half of a 64 x 64-bit product: no division,
  // and a bias of at most n / 2^64.
  for (size_t i = 0; i < n; ++i) ++counts[static_cast<size_t>((static_cast<unsigned __int128>(rng.next()) * n) >> 64)];
  return counts;
}

Interval percentile_interval(std::vector<double> statistics, double level) {
  if (statistics.empty()) throw std::invalid_argument("bootstrap: no resample statistics");
  if (!(level > 0 && level < 1))
    throw std::invalid_argument("bootstrap: the interval level must be in (0, 1), got " + std::to_string(level));
  const SortedSample sorted = SortedSample::of(std::move(statistics));
  return {sorted.quantile((1 - level) / 2), sorted.quantile((1 + level) / 2)};
}

}  // namespace avflow::monitor
