#include "libs/plot/row_series.h"

#include <cmath>
#include <limits>

namespace avflow::plot {

bool add_row(Series& series, const std::string& key, double step, const RowValues& row) {
  constexpr double kNone = std::numeric_limits<double>::quiet_NaN();
  double value = kNone, lo = kNone, hi = kNone;
  bool found = false;
  for (const auto& [k, v] : row) {
    if (k == key) value = v, found = true;
    else if (k.size() == key.size() + 3 && k.compare(0, key.size(), key) == 0) {
      if (k.compare(key.size(), 3, "_lo") == 0) lo = v;
      else if (k.compare(key.size(), 3, "_hi") == 0) hi = v;
    }
  }
  if (!found) return false;
  series.x.push_back(step);
  series.y.push_back(value);
  // Bounds are kept point for point with y once any row had them.
  const bool both = !std::isnan(lo) && !std::isnan(hi);
  if (both && series.lo.size() < series.y.size() - 1) {
    series.lo.resize(series.y.size() - 1, kNone);
    series.hi.resize(series.y.size() - 1, kNone);
  }
  if (both || !series.lo.empty()) {
    series.lo.push_back(both ? lo : kNone);
    series.hi.push_back(both ? hi : kNone);
  }
  return true;
}

}  // namespace avflow::plot
