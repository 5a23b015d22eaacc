// Busy-time accounting: a cheap clock, and which calls to time with it.
//
// steady_clock::now() costs ~25 ns on a VM's kvm-clock, and the executor
// reads a clock twice per call: on a chain of trivial operators that alone
// was a third of the engine's per-hop overhead. On x86-64 we read the
// time-stamp counter instead (a few ns on bare metal, ~16 ns on some VMs;
// constant-rate on every CPU of the last decade) and convert ticks to seconds with the rate observed between two
// steady_clock readings, the run's start and the moment of the snapshot.
// Elsewhere, ticks are steady_clock nanoseconds. Serial nodes time only a
// sample of their cheap calls (BusySampler). Internal to the executor.
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

// Which process() calls of one serial node are timed, and what a timed call
// counts for. Even the time-stamp counter costs ~16 ns a read on a VM, two
// per call: more than a trivial operator's whole call. So while the node's
// calls are cheap, calls come in groups of kGroup and one call of each
// group, at a position drawn afresh for each group, is timed and counts
// kGroup times. Each call is then timed with probability 1/kGroup whatever
// it costs, so busy time stays an unbiased estimate: a cost that recurs
// every kGroup calls (a batcher's emit) is not aliased, and a group cut
// short by the end of the run or a snapshot counts right on average.
// Groups are of one call, every call timed and counting once, while the
// node's calls are not cheap: the last timed call, or the recent mean per
// call, over kExpensiveTicks, where two reads are noise. The mean (over the
// last 64Ki calls or so) keeps a batcher whose rare emit makes its calls
// expensive on average timed exactly, not by a few lucky samples.
// Modes change only between groups, from what earlier calls cost. The first
// call is timed.
class BusySampler {
 public:
  static constexpr uint32_t kGroupBits = 5;
  static constexpr uint32_t kGroup = 1u << kGroupBits;
  // ~1.5 us at 3 GHz, 4 us where ticks are nanoseconds.
  static constexpr uint64_t kExpensiveTicks = 4096;

  // Called once before each call: whether to time it.
  bool time_this_call() {
    if (pos_ == size_) start_group();
    return pos_++ == pick_;
  }

  // The busy ticks a timed call that took `ticks` stands for.
  uint64_t weigh(uint64_t ticks) {
    last_expensive_ = ticks > kExpensiveTicks;
    const uint64_t weighed = ticks * size_;
    recent_ticks_ += weighed;
    return weighed;
  }

 private:
  void start_group() {
    recent_calls_ += size_;
    if (recent_calls_ >= (1u << 16)) {
      recent_calls_ /= 2;
      recent_ticks_ /= 2;
    }
    const bool cheap = !last_expensive_ && recent_ticks_ <= recent_calls_ * kExpensiveTicks;
    size_ = cheap ? kGroup : 1;
    pos_ = 0;
    // A fixed-seed linear congruential generator: runs time the same calls.
    rng_ = rng_ * 6364136223846793005ull + 1442695040888963407ull;
    pick_ = cheap ? static_cast<uint32_t>(rng_ >> (64 - kGroupBits)) : 0;
  }

  uint32_t size_ = 0, pos_ = 0, pick_ = 0;  // pos_ == size_: a group starts next call
  bool last_expensive_ = true;
  uint64_t recent_calls_ = 0, recent_ticks_ = 0;  // decayed by halving; whole groups
  uint64_t rng_ = 0x853c49e6748fea9bull;
};

}  // namespace avflow::detail
