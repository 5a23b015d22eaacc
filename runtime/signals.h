// Ctrl-C and SIGTERM while a graph runs: the first signal cancels the
// executor (sources stop, queued items drain or drop, every operator is
// closed); a second one exits at once with code 130.
#pragma once

#include "engine/executor.h"

namespace avflow::cli {

class CancelOnSignal {
 public:
  explicit CancelOnSignal(Executor& executor);
  ~CancelOnSignal();  // restores the previous handlers
  CancelOnSignal(const CancelOnSignal&) = delete;
  CancelOnSignal& operator=(const CancelOnSignal&) = delete;

  // The signal that cancelled the run, or 0.
  int received() const;
};

}  // namespace avflow::cli
