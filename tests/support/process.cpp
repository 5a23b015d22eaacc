#include "tests/support/process.h"

#include <fcntl.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <stdexcept>
#include <thread>

namespace avflow::test {

std::string slurp(const std::string& path) {
  std::ifstream in(path);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

namespace {

pid_t spawn(const std::vector<std::string>& argv, const std::string& out, const std::string& err) {
  pid_t pid = fork();
  if (pid < 0) throw std::runtime_error("fork failed");
  if (pid == 0) {
    int fo = open(out.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
    int fe = open(err.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
    int fi = open("/dev/null", O_RDONLY);
    dup2(fo, 1);
    dup2(fe, 2);
    dup2(fi, 0);
    std::vector<char*> args;
    for (const auto& a : argv) args.push_back(const_cast<char*>(a.c_str()));
    args.push_back(nullptr);
    execv(args[0], args.data());
    _exit(127);
  }
  return pid;
}

int decode_status(int status) { return WIFEXITED(status) ? WEXITSTATUS(status) : -1; }

std::string temp_base() {
  static int counter = 0;
  return (std::filesystem::temp_directory_path() /
          ("avflow-test-" + std::to_string(getpid()) + "-" + std::to_string(counter++)))
      .string();
}

}  // namespace

ProcessResult run_process(const std::vector<std::string>& argv) {
  std::string base = temp_base();
  std::string out = base + ".out", err = base + ".err";
  pid_t pid = spawn(argv, out, err);
  int status = 0;
  waitpid(pid, &status, 0);
  ProcessResult r{decode_status(status), slurp(out), slurp(err)};
  std::filesystem::remove(out);
  std::filesystem::remove(err);
  return r;
}

BackgroundProcess::BackgroundProcess(const std::vector<std::string>& argv) {
  std::string base = temp_base();
  out_path_ = base + ".out";
  err_path_ = base + ".err";
  pid_ = spawn(argv, out_path_, err_path_);
}

BackgroundProcess::~BackgroundProcess() {
  if (pid_ > 0) {
    kill(pid_, SIGKILL);
    waitpid(pid_, nullptr, 0);
  }
  std::filesystem::remove(out_path_);
  std::filesystem::remove(err_path_);
}

bool BackgroundProcess::wait_for_stderr(const std::string& text, double timeout_s) {
  auto end = std::chrono::steady_clock::now() + std::chrono::duration<double>(timeout_s);
  while (std::chrono::steady_clock::now() < end) {
    if (slurp(err_path_).find(text) != std::string::npos) return true;
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  return false;
}

std::string BackgroundProcess::stderr_so_far() const { return slurp(err_path_); }

void BackgroundProcess::signal(int sig) {
  if (pid_ > 0) kill(pid_, sig);
}

bool BackgroundProcess::wait(double timeout_s) {
  auto end = std::chrono::steady_clock::now() + std::chrono::duration<double>(timeout_s);
  int status = 0;
  while (std::chrono::steady_clock::now() < end) {
    pid_t r = waitpid(pid_, &status, WNOHANG);
    if (r == pid_) {
      pid_ = -1;
      result_ = {decode_status(status), slurp(out_path_), slurp(err_path_)};
      return true;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  kill(pid_, SIGKILL);
  waitpid(pid_, &status, 0);
  pid_ = -1;
  result_ = {-1, slurp(out_path_), slurp(err_path_)};
  return false;
}

TempDir::TempDir() : path_(temp_base()) { std::filesystem::create_directories(path_); }
TempDir::~TempDir() {
  std::error_code ec;
  std::filesystem::remove_all(path_, ec);
}
std::string TempDir::write(const std::string& name, const std::string& content) const {
  std::string p = path_ + "/" + name;
  std::filesystem::create_directories(std::filesystem::path(p).parent_path());
  std::ofstream(p) << content;
  return p;
}

}  // namespace avflow::test
