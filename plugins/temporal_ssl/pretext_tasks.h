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

// The order heads give, per clip, the logits it adds to a pair's 3 order
// classes in each of 4 places: as the first or the second clip of a pair,
// paired with its own modality or with the other one. A pair's logits are
// the first clip's plus the second's: a linear classifier over the pair's
// concatenated features, split by clip (order_losses.cpp).
inline constexpr int64_t kOrderPlaces = 4;
enum OrderPlace : int64_t { kFirstSame = 0, kSecondSame = 1, kFirstOther = 2, kSecondOther = 3 };

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
