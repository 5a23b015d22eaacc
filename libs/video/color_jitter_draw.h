// The random part of colour jitter: three factors and the order they apply in.
//
// Brightness, contrast and saturation factors are each uniform in
// [max(0, 1 - sigma), 1 + sigma] (the paper's rule), applied in a random
// order (torchvision's ColorJitter does the same, with hue we do not use).
// Drawn from the stream with purpose "jitter", shared by the color_jitter
// and clip_augment operators.
#pragma once

#include "libs/random/item_random.h"

namespace avflow::video {

enum JitterOp : int { kBrightness = 0, kContrast = 1, kSaturation = 2 };

struct JitterDraw {
  float factor[3] = {1.f, 1.f, 1.f};  // indexed by JitterOp
  int order[3] = {kBrightness, kContrast, kSaturation};
  bool identity() const { return factor[0] == 1.f && factor[1] == 1.f && factor[2] == 1.f; }
};

JitterDraw draw_color_jitter(random::ItemRandom& rng, double sigma);

}  // namespace avflow::video
