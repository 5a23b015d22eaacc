#include "engine/metrics.h"

#include <cstdio>

namespace avflow {

const NodeMetrics* MetricsSnapshot::find(const std::string& node) const {
  for (const auto& n : nodes)
    if (n.name == node) return &n;
  return nullptr;
}

std::string MetricsSnapshot::table() const {
  std::string out;
  char line[256];
  std::snprintf(line, sizeof line, "%-20s %-16s %-8s %10s %10s %8s %7s %9s %6s %8s\n", "node", "op", "shape",
                "in", "out", "dropped", "errors", "busy_s", "queue", "inflight");
  out += line;
  for (const auto& n : nodes) {
    std::string inflight = n.shape == Shape::kSource
                               ? std::to_string(n.in_flight) + "/" + std::to_string(n.in_flight_peak)
                               : "-";
    std::snprintf(line, sizeof line, "%-20s %-16s %-8s %10llu %10llu %8llu %7llu %9.3f %6lld %8s\n",
                  n.name.c_str(), n.op.c_str(), std::string(to_string(n.shape)).c_str(),
                  static_cast<unsigned long long>(n.items_in), static_cast<unsigned long long>(n.items_out),
                  static_cast<unsigned long long>(n.dropped), static_cast<unsigned long long>(n.errors), n.busy_seconds,
                  static_cast<long long>(n.queue_depth), inflight.c_str());
    out += line;
  }
  std::snprintf(line, sizeof line, "elapsed %.3f s (inflight: now/peak per source)\n", elapsed_seconds);
  return out + line;
}

}  // namespace avflow
