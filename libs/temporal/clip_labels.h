// The labels temporal_transform emits with each clip, an int64 tensor [5]
// (a batch of them [B, 5]): what the pretext heads predict, and where the
// clip lies, from which a pair's order class follows (clip_pair.h). A
// clip-group sampler puts the two clips of a pair at rows 2 i and 2 i + 1.
#pragma once

#include <cstdint>

namespace avflow::temporal {

enum ClipLabel : int64_t {
  kSpeedClass = 0,     // index of the clip's playback speed in `speeds`
  kVideoReversed = 1,  // 1: its frames play backwards
  kAudioReversed = 2,  // 1: its waveform plays backwards
  kFirstSnippet = 3,   // m of its first snippet
  kEndSnippet = 4,     // one past its last snippet
};
inline constexpr int64_t kClipLabels = 5;

}  // namespace avflow::temporal
