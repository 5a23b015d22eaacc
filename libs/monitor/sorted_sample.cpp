#include "libs/monitor/sorted_sample.h"

#include <algorithm>
#include <cmath>
#include <stdexcept>
#include <string>

namespace avflow::monitor {

SortedSample SortedSample::of(std::vector<double> values) {
  for (double v : values)
    if (!std::isfinite(v)) throw std::invalid_argument("kl: a similarity is not finite (" + std::to_string(v) + ")");
  std::sort(values.begin(), values.end());
  return SortedSample{std::move(values)};
}

double SortedSample::quantile(double q) const {
  const double at = q * static_cast<double>(values.size() - 1);
  const auto below = static_cast<size_t>(std::floor(at));
  const size_t above = std::min(below + 1, values.size() - 1);
  return values[below] + (at - static_cast<double>(below)) * (values[above] - values[below]);
}

}  // namespace avflow::monitor
