// Progress while a graph runs: on a terminal, a one-line bar (items done,
// rate, ETA when the sources announced their totals); when standard output
// is not a terminal (a log file, a batch job), a line every N seconds on it
// with the latest step and scalars (a loss) as well, so that a log is never
// silent; and, when asked, the per-node metrics table every N seconds
// through the log.
#pragma once

#include <condition_variable>
#include <mutex>
#include <thread>

#include "engine/executor.h"

namespace avflow::cli {

enum class ProgressMode { kAuto, kAlways, kNever };

class ProgressReporter {
 public:
  // lines_every_seconds: the period of the lines on a standard output that is
  // not a terminal; 0: none.
  ProgressReporter(const Executor& executor, ProgressMode mode, double metrics_every_seconds,
                   double lines_every_seconds = 0);
  ~ProgressReporter();
  void stop();  // idempotent; clears the bar

  // "[#######.....]  58%  1160/2000 items  412.0/s  ETA 0:02" (exposed for tests).
  static std::string line(const MetricsSnapshot& m, int width);
  // "progress: step 120  1920/5120 items (37%)  41.2/s  ETA 1:17  elapsed 0:46  train: loss 2.913 lr 0.0029"
  // (the step and scalars of the node that reported the latest step; exposed for tests).
  static std::string log_line(const MetricsSnapshot& m);

 private:
  void loop();

  const Executor& executor_;
  bool bar_;
  double metrics_every_;
  double lines_every_;
  std::mutex mu_;
  std::condition_variable cv_;
  bool stopping_ = false;
  std::thread thread_;
};

}  // namespace avflow::cli
