// The unitary pretext tasks of temporal self-supervision: which head
// predicts which column of temporal_transform's labels
// (libs/temporal/clip_labels.h), each head and its loss term under one name.
#pragma once

#include <cstdint>

#include "libs/temporal/clip_labels.h"

namespace avflow::temporal {

// Speed heads tell this many speeds apart: temporal_transform's default
// speeds [1, 2, 4, 8]; a longer speeds list needs wider heads.
inline constexpr int64_t kSpeedClasses = 4;

struct PretextTask {
  const char* name;   // the head's and the loss term's
  ClipLabel column;   // of the labels
  int64_t classes;
};

inline constexpr PretextTask kSpeedVideo{"speed_video", kSpeedClass, kSpeedClasses};
inline constexpr PretextTask kSpeedAudio{"speed_audio", kSpeedClass, kSpeedClasses};
inline constexpr PretextTask kDirectionVideo{"direction_video", kVideoReversed, 2};
inline constexpr PretextTask kDirectionAudio{"direction_audio", kAudioReversed, 2};

}  // namespace avflow::temporal
