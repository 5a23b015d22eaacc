#include "runtime/progress.h"

#include <unistd.h>

#include <chrono>
#include <cstdio>

#include "engine/log.h"
#include "runtime/progress_estimate.h"

namespace avflow::cli {

namespace {
std::string clock_text(double seconds) {
  long s = static_cast<long>(seconds + 0.5);
  char buf[32];
  if (s >= 3600) std::snprintf(buf, sizeof buf, "%ld:%02ld:%02ld", s / 3600, (s / 60) % 60, s % 60);
  else std::snprintf(buf, sizeof buf, "%ld:%02ld", s / 60, s % 60);
  return buf;
}
}  // namespace

ProgressReporter::ProgressReporter(const Executor& executor, ProgressMode mode, double metrics_every,
                                   double lines_every)
    : executor_(executor),
      bar_(mode == ProgressMode::kAlways || (mode == ProgressMode::kAuto && ::isatty(STDERR_FILENO))),
      metrics_every_(metrics_every),
      lines_every_(mode != ProgressMode::kNever && !::isatty(STDOUT_FILENO) ? lines_every : 0) {
  if (bar_ || metrics_every_ > 0 || lines_every_ > 0) thread_ = std::thread([this] { loop(); });
}

ProgressReporter::~ProgressReporter() { stop(); }

void ProgressReporter::stop() {
  {
    std::lock_guard<std::mutex> lock(mu_);
    if (stopping_) return;
    stopping_ = true;
  }
  cv_.notify_all();
  if (thread_.joinable()) thread_.join();
  if (bar_) std::fputs("\r\033[K", stderr);
}

std::string ProgressReporter::line(const MetricsSnapshot& m, int width) {
  const ProgressEstimate p = estimate_progress(m);
  const unsigned long long done = p.done;
  char tail[160];
  if (p.fraction) {
    const double frac = *p.fraction;
    std::snprintf(tail, sizeof tail, " %3d%%  %llu/%llu items  %.1f/s  ETA %s", static_cast<int>(frac * 100), done,
                  static_cast<unsigned long long>(p.expected), p.rate, clock_text(p.eta_seconds.value_or(0)).c_str());
    int bar = std::max(10, width);
    int filled = static_cast<int>(frac * bar);
    return "[" + std::string(filled, '#') + std::string(bar - filled, '.') + "]" + tail;
  }
  std::snprintf(tail, sizeof tail, "%llu items  %.1f/s  elapsed %s", done, p.rate, clock_text(m.elapsed_seconds).c_str());
  return tail;
}

std::string ProgressReporter::log_line(const MetricsSnapshot& m) {
  const ProgressEstimate p = estimate_progress(m);
  const NodeMetrics* latest = nullptr;
  for (const auto& n : m.nodes)
    if (n.scalars_step >= 0 && (latest == nullptr || n.scalars_step > latest->scalars_step)) latest = &n;
  char buf[200];
  std::string out = "progress:";
  if (latest != nullptr) out += " step " + std::to_string(latest->scalars_step) + " ";
  if (p.fraction) {
    std::snprintf(buf, sizeof buf, " %llu/%llu items (%d%%)  %.1f/s  ETA %s", static_cast<unsigned long long>(p.done),
                  static_cast<unsigned long long>(p.expected), static_cast<int>(*p.fraction * 100), p.rate,
                  p.eta_seconds ? clock_text(*p.eta_seconds).c_str() : "?");
  } else {
    std::snprintf(buf, sizeof buf, " %llu items  %.1f/s", static_cast<unsigned long long>(p.done), p.rate);
  }
  out += buf;
  out += "  elapsed " + clock_text(m.elapsed_seconds);
  if (latest != nullptr && !latest->scalars.empty()) {
    // The loss first, then the node's other values, four at most.
    std::vector<std::pair<std::string, double>> shown;
    for (const auto& kv : latest->scalars)
      if (kv.first == "loss") shown.push_back(kv);
    for (const auto& kv : latest->scalars)
      if (kv.first != "loss" && shown.size() < 4) shown.push_back(kv);
    out += "  " + latest->name + ":";
    for (const auto& [k, v] : shown) {
      std::snprintf(buf, sizeof buf, " %s %.4g", k.c_str(), v);
      out += buf;
    }
  }
  return out;
}

void ProgressReporter::loop() {
  using Clock = std::chrono::steady_clock;
  auto next_metrics = Clock::now() + std::chrono::duration<double>(metrics_every_);
  auto next_line = Clock::now() + std::chrono::duration<double>(lines_every_);
  std::unique_lock<std::mutex> lock(mu_);
  while (!stopping_) {
    cv_.wait_for(lock, std::chrono::milliseconds(bar_ || (lines_every_ > 0 && lines_every_ < 2) ? 100 : 1000));
    if (stopping_) break;
    MetricsSnapshot m = executor_.metrics();
    if (lines_every_ > 0 && Clock::now() >= next_line) {
      next_line += std::chrono::duration<double>(lines_every_);
      std::printf("%s\n", log_line(m).c_str());
      std::fflush(stdout);
    }
    if (metrics_every_ > 0 && Clock::now() >= next_metrics) {
      next_metrics += std::chrono::duration<double>(metrics_every_);
      if (bar_) std::fputs("\r\033[K", stderr);
      AVFLOW_LOG(info) << "metrics\n" << m.table();
    }
    if (bar_) {
      std::fprintf(stderr, "\r\033[K%s", line(m, 30).c_str());
      std::fflush(stderr);
    }
  }
}

}  // namespace avflow::cli
