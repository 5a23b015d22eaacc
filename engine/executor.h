// Executor: runs a validated graph on a oneTBB flow graph.
//
// Each operator becomes the tbb::flow node of its shape: a serial
// multifunction_node for a source (it hands on items while fewer than
// max_in_flight of them are in flight), a SerialNode (serial_node.h) for a
// serial kOneToOne function or a serial one-input sink, function_node for a
// parallel one, multifunction_node for multi-output operators, indexer_node
// in front of operators with several inputs. A chain of serial operators
// delivers items in source order on any number of threads. Every item a source
// emits carries a ticket; the ticket returns to the source when the last
// message derived from it has been processed, so a fast source feeding a
// slow sink holds at most max_in_flight items whatever the stream length. Operators that keep packets in their own
// state (a batcher) do not hold tickets, so they can never deadlock the limit.
//
// Run phases: open (topological order) -> stream -> finish (topological
// order, each followed by a drain) -> close (always, for every opened node).
#pragma once

#include <atomic>
#include <memory>
#include <string>

#include "engine/metrics.h"
#include "engine/validate.h"

namespace avflow {

enum class RunStatus { kFinished, kCancelled, kFailed };
std::string_view to_string(RunStatus status);

struct RunFailure {
  std::string node;     // the failing node, empty for engine-level failures
  std::string phase;    // open, process, finish, close
  std::string item;     // "item 17 of source 'src': tensor [8x96]" when known
  std::string message;  // the exception's text

  std::string str() const;
};

struct RunResult {
  RunStatus status = RunStatus::kFinished;
  std::vector<RunFailure> failures;  // first is the cause; later ones are from close()
  MetricsSnapshot metrics;
};

class Executor {
 public:
  // The graph must outlive the executor. Operators are created here.
  explicit Executor(const ResolvedGraph& graph);
  ~Executor();
  Executor(const Executor&) = delete;
  Executor& operator=(const Executor&) = delete;

  // Runs to completion, cancellation or failure. Call once.
  RunResult run();

  // Requests cancellation: sources stop, kDropOnCancel operators skip their
  // queued items, the rest drain; then every operator is closed. Only stores
  // an atomic flag, so it is safe from a signal handler or another thread.
  void cancel() noexcept { cancel_flag_.store(true, std::memory_order_relaxed); }
  bool cancelled() const noexcept { return cancel_flag_.load(std::memory_order_relaxed); }

  // Thread-safe; may be called while run() is in progress.
  MetricsSnapshot metrics() const;

 private:
  friend struct NodeState;
  struct Impl;
  std::atomic<bool> cancel_flag_{false};
  std::unique_ptr<Impl> impl_;
};

}  // namespace avflow
