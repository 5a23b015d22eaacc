// avflow launch: N processes of this program as the ranks of one job on this
// machine, configured as torchrun configures its workers (RANK, LOCAL_RANK,
// WORLD_SIZE, LOCAL_WORLD_SIZE, GROUP_RANK, MASTER_ADDR, MASTER_PORT). With
// --nnodes M it is one of M such launches, one a machine: node K (--node-rank)
// starts ranks K * N .. K * N + N - 1 of M * N, all meeting at rank 0's store
// on --master-addr:--master-port (torchrun's static rendezvous). Their output
// is relayed line by line with a [rank R] prefix; a failed rank stops the
// rest of this node (the other nodes' ranks then fail at their next
// collective, after distributed_timeout).
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <climits>
#include <csignal>
#include <cstdio>
#include <cstring>
#include <optional>
#include <string>
#include <vector>

#include "runtime/commands.h"
#include "runtime/exit_codes.h"
#include "runtime/free_port.h"
#include "runtime/rank_placeholder.h"

extern char** environ;

namespace avflow::cli {

namespace {

constexpr auto kGrace = std::chrono::seconds(10);  // after SIGTERM, before SIGKILL

volatile std::sig_atomic_t g_signal = 0;
void remember_signal(int sig) { g_signal = sig; }

// One stream of one rank: its pipe and the unfinished last line.
struct Relay {
  int fd = -1;
  int to = STDOUT_FILENO;
  std::string prefix, partial;

  void write_line(const std::string& line) const {
    const std::string text = prefix + line + "\n";
    for (size_t done = 0; done < text.size();) {
      const ssize_t n = ::write(to, text.data() + done, text.size() - done);
      if (n < 0 && errno == EINTR) continue;
      if (n <= 0) return;  // our own output is gone; keep draining the pipe
      done += static_cast<size_t>(n);
    }
  }
  // Reads what is there; false at end of file.
  bool pump() {
    char buffer[65536];
    const ssize_t n = ::read(fd, buffer, sizeof buffer);
    if (n < 0) return errno == EINTR || errno == EAGAIN;
    if (n == 0) {
      if (!partial.empty()) write_line(partial);
      partial.clear();
      ::close(fd);
      fd = -1;
      return false;
    }
    partial.append(buffer, static_cast<size_t>(n));
    for (size_t end; (end = partial.find('\n')) != std::string::npos;) {
      write_line(partial.substr(0, end));
      partial.erase(0, end + 1);
    }
    return true;
  }
};

struct Rank {
  int index = 0;
  pid_t pid = -1;
  std::optional<int> status;  // waitpid's, once exited
  Relay out, err;
};

std::string this_program() {
  char path[PATH_MAX];
  const ssize_t n = ::readlink("/proc/self/exe", path, sizeof path - 1);
  if (n <= 0) throw std::runtime_error(std::string("cannot find this program (/proc/self/exe): ") + std::strerror(errno));
  return std::string(path, static_cast<size_t>(n));
}

// Where the ranks of this launch sit in the job.
struct Placement {
  int nproc = 1;      // ranks on this node
  int nnodes = 1;
  int node_rank = 0;
  std::string master_addr = "127.0.0.1";
  int port = 0;
  int world() const { return nproc * nnodes; }
  int global(int local) const { return node_rank * nproc + local; }
};

// The environment of local rank `local`: ours without the variables we set, then ours.
std::vector<std::string> rank_environment(int local, const Placement& p) {
  const std::vector<std::pair<std::string, std::string>> ours = {
      {"RANK", std::to_string(p.global(local))}, {"LOCAL_RANK", std::to_string(local)},
      {"WORLD_SIZE", std::to_string(p.world())}, {"LOCAL_WORLD_SIZE", std::to_string(p.nproc)},
      {"GROUP_RANK", std::to_string(p.node_rank)}, {"MASTER_ADDR", p.master_addr},
      {"MASTER_PORT", std::to_string(p.port)}};
  std::vector<std::string> env;
  for (char** e = environ; *e != nullptr; ++e) {
    const std::string entry = *e;
    bool replaced = false;
    for (const auto& [name, _] : ours) replaced = replaced || entry.rfind(name + "=", 0) == 0;
    if (!replaced) env.push_back(entry);
  }
  for (const auto& [name, value] : ours) env.push_back(name + "=" + value);
  return env;
}

// Forks and execs one rank in a process group of its own (so the terminal's
// Ctrl-C reaches it once, through us), its output into two pipes.
Rank start_rank(const std::string& program, const std::vector<std::string>& command, int local, const Placement& p) {
  const int rank = p.global(local);
  int out[2], err[2];
  if (::pipe2(out, O_CLOEXEC) != 0 || ::pipe2(err, O_CLOEXEC) != 0)
    throw std::runtime_error(std::string("cannot create a pipe: ") + std::strerror(errno));
  std::vector<std::string> argv_text{program};
  for (const auto& arg : command) argv_text.push_back(with_rank(arg, rank));
  const std::vector<std::string> env_text = rank_environment(local, p);
  std::vector<char*> argv, envp;
  for (auto& a : argv_text) argv.push_back(a.data());
  for (auto& e : env_text) envp.push_back(const_cast<char*>(e.c_str()));
  argv.push_back(nullptr);
  envp.push_back(nullptr);
  const pid_t pid = ::fork();
  if (pid < 0) throw std::runtime_error(std::string("cannot fork: ") + std::strerror(errno));
  if (pid == 0) {
    ::setpgid(0, 0);
    ::prctl(PR_SET_PDEATHSIG, SIGTERM);  // launch killed: its ranks stop too
    ::signal(SIGINT, SIG_DFL);
    ::signal(SIGTERM, SIG_DFL);
    ::dup2(out[1], STDOUT_FILENO);
    ::dup2(err[1], STDERR_FILENO);
    ::execve(program.c_str(), argv.data(), envp.data());
    const std::string failed = "avflow launch: cannot run " + program + ": " + std::strerror(errno) + "\n";
    (void)!::write(STDERR_FILENO, failed.data(), failed.size());
    ::_exit(127);
  }
  ::close(out[1]);
  ::close(err[1]);
  Rank r;
  r.index = rank;
  r.pid = pid;
  const std::string prefix = "[rank " + std::to_string(rank) + "] ";
  r.out = {out[0], STDOUT_FILENO, prefix, {}};
  r.err = {err[0], STDERR_FILENO, prefix, {}};
  return r;
}

std::string describe_status(int status) {
  if (WIFEXITED(status)) return "exit code " + std::to_string(WEXITSTATUS(status));
  if (WIFSIGNALED(status)) return std::string("killed by ") + ::strsignal(WTERMSIG(status));
  return "stopped";
}

bool failed(int status) { return !WIFEXITED(status) || WEXITSTATUS(status) != 0; }

// Relays output and reaps ranks until all have exited; returns the first
// failed rank, having stopped the others.
std::optional<Rank> supervise(std::vector<Rank>& ranks) {
  std::optional<Rank> first_failure;
  // When ranks that ignored SIGTERM get SIGKILL; max(): no rank is being stopped.
  auto kill_at = std::chrono::steady_clock::time_point::max();
  for (;;) {
    std::vector<pollfd> fds;
    std::vector<Relay*> relays;
    for (auto& r : ranks)
      for (Relay* relay : {&r.out, &r.err})
        if (relay->fd >= 0) {
          fds.push_back({relay->fd, POLLIN, 0});
          relays.push_back(relay);
        }
    const bool all_exited = std::all_of(ranks.begin(), ranks.end(), [](const Rank& r) { return r.status.has_value(); });
    if (all_exited && fds.empty()) return first_failure;
    const int ready = ::poll(fds.data(), fds.size(), 100);
    for (size_t i = 0; ready > 0 && i < fds.size(); ++i)
      if (fds[i].revents != 0) relays[i]->pump();
    if (const int sig = g_signal; sig != 0) {  // Ctrl-C or SIGTERM: every rank gets it once
      g_signal = 0;
      for (const auto& r : ranks)
        if (!r.status) ::kill(r.pid, sig);
    }
    for (auto& r : ranks) {
      int status = 0;
      if (r.status || ::waitpid(r.pid, &status, WNOHANG) != r.pid) continue;
      r.status = status;
      if (first_failure) {  // stopped by us: say how, so a rank that ignored SIGTERM shows
        std::fprintf(stderr, "avflow launch: rank %d stopped (%s)\n", r.index, describe_status(status).c_str());
        continue;
      }
      if (!failed(status)) continue;
      first_failure = r;
      std::fprintf(stderr, "avflow launch: rank %d failed (%s); stopping the other ranks\n", r.index,
                   describe_status(status).c_str());
      for (const auto& other : ranks)
        if (!other.status) ::kill(other.pid, SIGTERM);
      kill_at = std::chrono::steady_clock::now() + kGrace;
    }
    if (std::chrono::steady_clock::now() >= kill_at) {
      for (const auto& r : ranks)
        if (!r.status) ::kill(r.pid, SIGKILL);
      kill_at = std::chrono::steady_clock::time_point::max();
    }
  }
}

}  // namespace

int launch_command(const Args& args) {
  if (!args.positional.empty())
    throw UsageError("the command the processes run goes after '--' (avflow launch --nproc N -- run GRAPH)");
  if (!args.option("--nproc")) throw UsageError("needs --nproc N, the number of processes");
  if (args.passthrough.empty()) throw UsageError("needs the command every process runs after '--' (e.g. -- run GRAPH)");
  if (args.passthrough[0] == "launch") throw UsageError("the processes cannot themselves launch processes");
  Placement p;
  p.nproc = static_cast<int>(numeric_option(args, "--nproc", 1, 1, 1024, true));
  p.nnodes = static_cast<int>(numeric_option(args, "--nnodes", 1, 1, 4096, true));
  p.node_rank = static_cast<int>(numeric_option(args, "--node-rank", 0, 0, 4095, true));
  if (p.node_rank >= p.nnodes)
    throw UsageError("--node-rank " + std::to_string(p.node_rank) + " is not one of the " + std::to_string(p.nnodes) +
                     " nodes (0 to " + std::to_string(p.nnodes - 1) + ")");
  if (p.nnodes > 1 && (!args.option("--master-addr") || !args.option("--master-port") || !args.option("--node-rank")))
    throw UsageError("--nnodes " + std::to_string(p.nnodes) +
                     " needs --node-rank K, --master-addr HOST and --master-port P: every node names node 0's "
                     "address and the same free port there");
  if (const auto addr = args.option("--master-addr")) p.master_addr = *addr;
  p.port = args.option("--master-port") ? static_cast<int>(numeric_option(args, "--master-port", 0, 1, 65535, true))
                                        : free_local_port();
  const std::string program = this_program();

  struct sigaction action {};
  action.sa_handler = remember_signal;  // no SA_RESTART: poll returns at once
  ::sigemptyset(&action.sa_mask);
  ::sigaction(SIGINT, &action, nullptr);
  ::sigaction(SIGTERM, &action, nullptr);
  ::signal(SIGPIPE, SIG_IGN);

  if (p.nnodes == 1)
    std::fprintf(stderr, "avflow launch: %d processes, MASTER_ADDR=%s MASTER_PORT=%d\n", p.nproc, p.master_addr.c_str(),
                 p.port);
  else
    std::fprintf(stderr, "avflow launch: node %d of %d, ranks %d to %d of %d, MASTER_ADDR=%s MASTER_PORT=%d\n",
                 p.node_rank, p.nnodes, p.global(0), p.global(p.nproc - 1), p.world(), p.master_addr.c_str(), p.port);
  std::vector<Rank> ranks;
  try {
    for (int local = 0; local < p.nproc; ++local) {
      ranks.push_back(start_rank(program, args.passthrough, local, p));
      std::fprintf(stderr, "avflow launch: rank %d is pid %d\n", p.global(local), static_cast<int>(ranks.back().pid));
    }
  } catch (const std::exception& e) {
    for (const auto& r : ranks) ::kill(r.pid, SIGKILL);
    std::fprintf(stderr, "avflow launch: %s\n", e.what());
    return kExitRunFailed;
  }
  const std::optional<Rank> failure = supervise(ranks);
  if (!failure) return kExitOk;
  std::fprintf(stderr, "avflow launch: failed: rank %d (%s)\n", failure->index, describe_status(*failure->status).c_str());
  return WIFEXITED(*failure->status) ? WEXITSTATUS(*failure->status) : kExitRunFailed;
}

}  // namespace avflow::cli
