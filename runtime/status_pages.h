// The pages of the status endpoint (avflow run --status-port), made from one
// metrics snapshot: pure functions, so they are tested without a server.
#pragma once

#include <string>

#include "engine/metrics.h"

namespace avflow::cli {

// Prometheus text exposition format 0.0.4: per node (labels node, op) items
// in, out and dropped, busy seconds, queue depth, items in flight (sources);
// the run's elapsed time; each node's latest scalars and their step.
std::string prometheus_text(const MetricsSnapshot& m);

// {"graph": ..., "state": "running", "elapsed_seconds": ..., "progress":
// {...}, "step": ..., "scalars": {NODE: {"step": ..., "values": {...}}}};
// unknown numbers (no totals announced, no scalars yet, NaN) are null.
std::string status_json(const std::string& graph_name, const MetricsSnapshot& m);

}  // namespace avflow::cli
