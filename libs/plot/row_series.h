// Series of a line chart from rows of named values (metrics rows): a key's
// value at each row's step, and, where the row has "<key>_lo" and
// "<key>_hi" too (the bounds of its interval, as the KL monitor emits them),
// the band between them.
#pragma once

#include <string>
#include <utility>
#include <vector>

#include "libs/plot/line_chart.h"

namespace avflow::plot {

using RowValues = std::vector<std::pair<std::string, double>>;

// Adds the row's value of `key` to `series` at x = step, with its band
// bounds (NaN for a row without both); a row without `key` adds nothing.
// Returns whether it added a point.
bool add_row(Series& series, const std::string& key, double step, const RowValues& row);

}  // namespace avflow::plot
