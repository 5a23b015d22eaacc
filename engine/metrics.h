// Per-node run metrics: items in and out, busy time, queue depth, and for
// sources the number of items in flight. Counters are relaxed atomics updated
// by the executor; a snapshot may be taken from any thread at any time.
#pragma once

#include <array>
#include <atomic>
#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include "engine/contract.h"

namespace avflow {

struct NodeCounters {
  std::atomic<uint64_t> items_in{0};
  std::atomic<uint64_t> dropped{0};  // skipped after cancellation (kDropOnCancel)
  std::atomic<uint64_t> busy_ticks{0};  // engine/busy_clock.h
  std::atomic<uint64_t> errors{0};  // bad items replaced or left out (Context::count_error)
  std::array<std::atomic<uint64_t>, kMaxPorts> items_out{};
  // Sources only.
  std::atomic<int64_t> in_flight{0};
  std::atomic<int64_t> in_flight_peak{0};
  std::atomic<uint64_t> expected{0};  // total items the source announced, 0 if unknown
};

struct NodeMetrics {
  std::string name;
  std::string op;
  Shape shape;
  uint64_t items_in = 0;
  uint64_t items_out = 0;  // all output ports
  uint64_t dropped = 0;
  uint64_t errors = 0;  // bad input items the node replaced or left out (on_error = skip)
  double busy_seconds = 0;
  int64_t queue_depth = 0;  // items delivered to the node but not yet started
  int64_t in_flight = 0;    // sources: items handed on whose work is not finished
  int64_t in_flight_peak = 0;  // at most the graph's max_in_flight
  uint64_t expected = 0;    // sources: announced total, 0 if unknown
  // The latest row the node emitted on a Scalars port (a loss, KL measures),
  // and its step; -1 and empty before the first.
  int64_t scalars_step = -1;
  std::vector<std::pair<std::string, double>> scalars;
};

struct MetricsSnapshot {
  double elapsed_seconds = 0;
  std::vector<NodeMetrics> nodes;  // in topological order

  const NodeMetrics* find(const std::string& node) const;
  // A fixed-width table for terminals and logs.
  std::string table() const;
};

}  // namespace avflow
