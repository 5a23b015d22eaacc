// Runs a program for tests: its exit code, standard output and standard
// error; or starts it in the background to signal it.
#pragma once

#include <sys/types.h>

#include <string>
#include <vector>

namespace avflow::test {

struct ProcessResult {
  int exit_code = -1;  // -1 when killed by a signal
  std::string out;
  std::string err;
};

ProcessResult run_process(const std::vector<std::string>& argv);

// The whole content of a file; empty when it cannot be read.
std::string slurp(const std::string& path);

// How many times `what` occurs in `text` (overlapping ones too).
inline size_t count_of(const std::string& text, const std::string& what) {
  size_t n = 0;
  for (size_t at = text.find(what); at != std::string::npos; at = text.find(what, at + 1)) ++n;
  return n;
}

class BackgroundProcess {
 public:
  explicit BackgroundProcess(const std::vector<std::string>& argv);
  ~BackgroundProcess();  // kills it if still running
  // Waits until standard error contains `text`; false after `timeout_s`.
  bool wait_for_stderr(const std::string& text, double timeout_s);
  std::string stderr_so_far() const;
  void signal(int sig);
  // Waits for exit; false after `timeout_s` (then the process is killed).
  bool wait(double timeout_s);
  const ProcessResult& result() const { return result_; }

 private:
  pid_t pid_ = -1;
  std::string out_path_, err_path_;
  ProcessResult result_;
};

// A file in a fresh temporary directory, removed with the object.
class TempDir {
 public:
  TempDir();
  ~TempDir();
  const std::string& path() const { return path_; }
  std::string write(const std::string& name, const std::string& content) const;

 private:
  std::string path_;
};

}  // namespace avflow::test
