// How far a run has got, from a metrics snapshot: items the sources emitted
// whose work is finished (not those still in flight) against the totals the
// sources announced, the rate so far and the time left.
// Shared by the progress bar and the status endpoint so both say the same.
#pragma once

#include <cstdint>
#include <optional>

#include "engine/metrics.h"

namespace avflow::cli {

struct ProgressEstimate {
  uint64_t done = 0;       // items of every source together emitted and no longer in flight
  uint64_t expected = 0;   // their announced totals (meaningful when fraction is set)
  double rate = 0;         // items per second since the run started
  // Only when every source announced its total: a source of unknown length
  // makes the whole run's length unknown.
  std::optional<double> fraction;     // in [0, 1]
  std::optional<double> eta_seconds;  // also unknown before the first item
};

ProgressEstimate estimate_progress(const MetricsSnapshot& m);

}  // namespace avflow::cli
