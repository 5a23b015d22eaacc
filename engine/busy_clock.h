// Busy-time accounting that is cheap enough to run on every operator call.
//
// steady_clock::now() costs ~25 ns on a VM's kvm-clock, and the executor
// reads a clock twice per call: on a chain of trivial operators that alone
// was a third of the engine's per-hop overhead. On x86-64 we read the
// time-stamp counter instead (a few ns; constant-rate on every CPU of the last
// decade) and convert ticks to seconds with the rate observed between two
// steady_clock readings, the run's start and the moment of the snapshot.
// Elsewhere, ticks are steady_clock nanoseconds. Internal to the executor.
#pragma once

#include <chrono>
#include <cstdint>

#if defined(__x86_64__) || defined(__i386__)
#include <x86intrin.h>
#define AVFLOW_BUSY_CLOCK_TSC 1
#endif

namespace avflow::detail {

inline uint64_t busy_ticks() {
#ifdef AVFLOW_BUSY_CLOCK_TSC
  return __rdtsc();
#else
  return static_cast<uint64_t>(std::chrono::duration_cast<std::chrono::nanoseconds>(
                                   std::chrono::steady_clock::now().time_since_epoch())
                                   .count());
#endif
}

// Converts tick counts to seconds using the tick rate since construction.
class BusyClockRate {
 public:
  BusyClockRate() : t0_(std::chrono::steady_clock::now()), ticks0_(busy_ticks()) {}

  double seconds_per_tick() const {
#ifdef AVFLOW_BUSY_CLOCK_TSC
    double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0_).count();
    uint64_t ticks = busy_ticks() - ticks0_;
    // Too short an interval to measure the rate: assume a 3 GHz counter.
    if (seconds < 1e-4 || ticks == 0) return 1.0 / 3e9;
    return seconds / static_cast<double>(ticks);
#else
    return 1e-9;
#endif
  }

 private:
  std::chrono::steady_clock::time_point t0_;
  uint64_t ticks0_;
};

}  // namespace avflow::detail
