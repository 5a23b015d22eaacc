// A child process for the benchmarks that drive the avflow program and
// measure it from outside: its pid (to sample its memory while it runs), and
// on exit its status, wall time and peak resident memory (wait4's rusage).
#pragma once

#include <sys/types.h>

#include <chrono>
#include <string>
#include <vector>

namespace avflow::bench {

struct ChildExit {
  int exit_code = -1;  // -1 when killed by a signal
  double seconds = 0;
  double peak_rss_mb = 0;
};

class ChildProcess {
 public:
  // Starts `argv` with its standard output and error into `log_path`.
  ChildProcess(const std::vector<std::string>& argv, const std::string& log_path);
  ~ChildProcess();  // kills it if still running
  ChildProcess(const ChildProcess&) = delete;
  ChildProcess& operator=(const ChildProcess&) = delete;

  pid_t pid() const { return pid_; }
  // Resident memory now, in MB (VmRSS); 0 once it has exited.
  double rss_mb() const;
  void signal(int sig) const;
  // Waits for it to exit.
  ChildExit wait();

 private:
  pid_t pid_ = -1;
  bool reaped_ = false;
  std::chrono::steady_clock::time_point started_;
};

}  // namespace avflow::bench
