#include "engine/log.h"

#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <mutex>

namespace avflow::log {
namespace {

Level initial_level() {
  Level l = Level::info;
  if (const char* env = std::getenv("AVFLOW_LOG_LEVEL")) parse_level(env, l);
  return l;
}

std::atomic<int>& current() {
  static std::atomic<int> level{static_cast<int>(initial_level())};
  return level;
}

const auto kStart = std::chrono::steady_clock::now();
std::mutex write_mu;

}  // namespace

Level level() { return static_cast<Level>(current().load(std::memory_order_relaxed)); }
void set_level(Level l) { current().store(static_cast<int>(l), std::memory_order_relaxed); }
bool enabled(Level l) { return static_cast<int>(l) <= current().load(std::memory_order_relaxed); }

bool parse_level(std::string_view text, Level& out) {
  static const std::pair<std::string_view, Level> kNames[] = {
      {"error", Level::error}, {"warn", Level::warn}, {"info", Level::info},
      {"debug", Level::debug}, {"trace", Level::trace}};
  for (const auto& [name, l] : kNames) {
    if (text == name) {
      out = l;
      return true;
    }
  }
  return false;
}

void write(Level l, const std::string& line) {
  static const char* kTags[] = {"error", "warn", "info", "debug", "trace"};
  double t = std::chrono::duration<double>(std::chrono::steady_clock::now() - kStart).count();
  std::lock_guard<std::mutex> lock(write_mu);
  std::fprintf(stderr, "[%9.3f %-5s] %s\n", t, kTags[static_cast<int>(l)], line.c_str());
}

}  // namespace avflow::log
