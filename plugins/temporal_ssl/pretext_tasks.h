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

// The order heads give, per clip, its part of a pair's logits over the 3
// order classes in each of 4 places -- as the first or the second clip of a
// pair, paired with its own modality or with the other one: for each class a
// bias and a factor of kOrderRank numbers. A pair's logit for class c is the
// first clip's bias plus the second's plus the dot product of their factors
// (order_losses.cpp): a classifier over the two clips' features that is
// linear in each and bilinear (of rank kOrderRank) in the two together, so
// it can compare them -- an overlap shows as shared content -- as well as
// read each alone.
inline constexpr int64_t kOrderPlaces = 4;
inline constexpr int64_t kOrderRank = 16;
inline constexpr int64_t kOrderOutputs = kOrderPlaces * 3 * (1 + kOrderRank);  // 3: the order classes
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
