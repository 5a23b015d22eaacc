#include "runtime/progress_estimate.h"

#include <algorithm>

namespace avflow::cli {

ProgressEstimate estimate_progress(const MetricsSnapshot& m) {
  ProgressEstimate p;
  bool all_known = true;
  for (const auto& n : m.nodes) {
    if (n.shape != Shape::kSource) continue;
    // Items still in flight were emitted but are not done: a run whose
    // source has emitted everything is not finished while they are.
    const auto in_flight = static_cast<uint64_t>(std::max<int64_t>(0, n.in_flight));
    p.done += n.items_out - std::min(n.items_out, in_flight);
    p.expected += n.expected;
    all_known = all_known && n.expected > 0;
  }
  p.rate = m.elapsed_seconds > 0 ? static_cast<double>(p.done) / m.elapsed_seconds : 0.0;
  if (all_known && p.expected > 0) {
    p.fraction = std::min(1.0, static_cast<double>(p.done) / static_cast<double>(p.expected));
    if (p.rate > 0) p.eta_seconds = static_cast<double>(p.expected - std::min(p.done, p.expected)) / p.rate;
  }
  return p;
}

}  // namespace avflow::cli
