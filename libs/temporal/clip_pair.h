// Temporal order of two clips of one title, the label of the pairwise order
// task of temporal self-supervision (Jenni et al.): the second clip overlaps
// the first, comes after it, or comes before it. A clip is the consecutive
// snippets [first, end) of its title. Header-only: the clip-group sampling
// policy places pairs by it and the order head labels them by it.
#pragma once

#include <cstdint>
#include <stdexcept>
#include <string>

namespace avflow::temporal {

struct ClipSpan {
  int64_t first = 0;  // first snippet m
  int64_t end = 1;    // one past the last
};

enum class PairOrder : int64_t {
  kOverlap = 0,  // the clips share at least one snippet
  kAfter = 1,    // the second starts where the first ends or later
  kBefore = 2,   // the second ends where the first starts or earlier
};
inline constexpr int64_t kOrderClasses = 3;

inline PairOrder order_of(const ClipSpan& a, const ClipSpan& b) {
  if (a.end <= a.first || b.end <= b.first)
    throw std::invalid_argument("a clip spans [first, end) with end > first");
  if (b.first >= a.end) return PairOrder::kAfter;
  if (b.end <= a.first) return PairOrder::kBefore;
  return PairOrder::kOverlap;
}

inline const char* order_name(PairOrder o) {
  switch (o) {
    case PairOrder::kOverlap: return "overlap";
    case PairOrder::kAfter: return "after";
    case PairOrder::kBefore: return "before";
  }
  return "?";
}

}  // namespace avflow::temporal
