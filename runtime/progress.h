// Progress while a graph runs: on a terminal, a one-line bar (items done,
// rate, ETA when the sources announced their totals); and, when asked,
// the per-node metrics table every N seconds through the log.
#pragma once

#include <condition_variable>
#include <mutex>
#include <thread>

#include "engine/executor.h"

namespace avflow::cli {

enum class ProgressMode { kAuto, kAlways, kNever };

class ProgressReporter {
 public:
  ProgressReporter(const Executor& executor, ProgressMode mode, double metrics_every_seconds);
  ~ProgressReporter();
  void stop();  // idempotent; clears the bar

  // "[#######.....]  58%  1160/2000 items  412.0/s  ETA 0:02" (exposed for tests).
  static std::string line(const MetricsSnapshot& m, int width);

 private:
  void loop();

  const Executor& executor_;
  bool bar_;
  double metrics_every_;
  std::mutex mu_;
  std::condition_variable cv_;
  bool stopping_ = false;
  std::thread thread_;
};

}  // namespace avflow::cli
