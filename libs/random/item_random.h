// Per-item random streams for augmentation operators.
//
// A random operator never shares a generator between items: each draw comes
// from a stream keyed by (seed, item, index within the item, purpose), so a
// given seed and item give the same output on any thread, in any order, on
// every run. `purpose` separates the concerns of one operator ("crop",
// "flip", ...) and is shared by the fused and the single-step operators, so
// that both draw the same crop for the same (seed, item).
#pragma once

#include <cstdint>
#include <string_view>
#include <utility>

namespace avflow::random {

class ItemRandom {
 public:
  ItemRandom(uint64_t seed, uint64_t item, uint64_t index, std::string_view purpose) {
    uint64_t h = 0xcbf29ce484222325ull;  // FNV-1a of the purpose
    for (char c : purpose) h = (h ^ static_cast<unsigned char>(c)) * 0x100000001b3ull;
    state_ = mix(mix(mix(seed ^ 0x5851f42d4c957f2dull) ^ item) ^ (index * 0x9e3779b97f4a7c15ull)) ^ h;
  }

  // SplitMix64: a full-period 64-bit generator with a strong output mix.
  uint64_t next() { return mix(state_ += 0x9e3779b97f4a7c15ull); }

  // Uniform in [0, 1), 53 random bits.
  double uniform() { return static_cast<double>(next() >> 11) * 0x1.0p-53; }
  double uniform(double lo, double hi) { return lo + (hi - lo) * uniform(); }

  // Uniform integer in [lo, hi] (inclusive), without modulo bias.
  int64_t integer(int64_t lo, int64_t hi) {
    const uint64_t span = static_cast<uint64_t>(hi - lo) + 1;
    if (span == 0) return static_cast<int64_t>(next());  // the whole 64-bit range
    const uint64_t limit = UINT64_MAX - UINT64_MAX % span;
    uint64_t r;
    do r = next(); while (r >= limit);
    return lo + static_cast<int64_t>(r % span);
  }

  bool bernoulli(double p) { return uniform() < p; }

  // Fisher-Yates shuffle of a small array.
  template <class T, size_t N>
  void shuffle(T (&a)[N]) {
    for (size_t i = N - 1; i > 0; --i) std::swap(a[i], a[static_cast<size_t>(integer(0, static_cast<int64_t>(i)))]);
  }

 private:
  static uint64_t mix(uint64_t z) {
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
    return z ^ (z >> 31);
  }
  uint64_t state_;
};

}  // namespace avflow::random
