#include "runtime/signals.h"

#include <unistd.h>

#include <atomic>
#include <csignal>
#include <cstring>

#include "runtime/exit_codes.h"

namespace avflow::cli {
namespace {

std::atomic<Executor*> g_executor{nullptr};
std::atomic<int> g_signal{0};
struct sigaction g_old_int, g_old_term;

void write_stderr(const char* s) {
  // Only async-signal-safe calls in here.
  ssize_t ignored = ::write(STDERR_FILENO, s, std::strlen(s));
  (void)ignored;
}

void on_signal(int sig) {
  int expected = 0;
  if (g_signal.compare_exchange_strong(expected, sig)) {
    if (Executor* e = g_executor.load()) e->cancel();
    write_stderr("\navflow: interrupted; stopping sources and draining (press Ctrl-C again to exit at once)\n");
    return;
  }
  write_stderr("\navflow: second interrupt; exiting without draining\n");
  ::_exit(kExitForced);
}

}  // namespace

CancelOnSignal::CancelOnSignal(Executor& executor) {
  g_signal.store(0);
  g_executor.store(&executor);
  struct sigaction sa {};
  sa.sa_handler = on_signal;
  sigemptyset(&sa.sa_mask);
  sa.sa_flags = SA_RESTART;
  sigaction(SIGINT, &sa, &g_old_int);
  sigaction(SIGTERM, &sa, &g_old_term);
}

CancelOnSignal::~CancelOnSignal() {
  sigaction(SIGINT, &g_old_int, nullptr);
  sigaction(SIGTERM, &g_old_term, nullptr);
  g_executor.store(nullptr);
}

int CancelOnSignal::received() const { return g_signal.load(); }

}  // namespace avflow::cli
