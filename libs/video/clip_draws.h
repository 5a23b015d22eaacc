// The random choices of the video augmentations, each from its own per-item
// stream (seed, item, clip index in the batch, purpose). The single-step
// operators and the fused clip_augment draw through these same functions, so
// with equal seeds they make the same choices for the same item.
#pragma once

#include <string>

#include "libs/random/item_random.h"
#include "libs/video/color_jitter_draw.h"
#include "libs/video/crop_box.h"

namespace avflow::video {

// `position`: "random" or a fixed crop (left, center, right).
inline CropBox draw_crop(uint64_t seed, uint64_t item, uint64_t clip, const std::string& position, int64_t H,
                         int64_t W, int64_t size) {
  if (position != "random") return fixed_crop_box(position, H, W, size);
  random::ItemRandom rng(seed, item, clip, "crop");
  return random_crop_box(rng, H, W, size);
}

inline bool draw_flip(uint64_t seed, uint64_t item, uint64_t clip, double probability) {
  random::ItemRandom rng(seed, item, clip, "flip");
  return rng.bernoulli(probability);
}

inline JitterDraw draw_jitter(uint64_t seed, uint64_t item, uint64_t clip, double sigma) {
  random::ItemRandom rng(seed, item, clip, "jitter");
  return draw_color_jitter(rng, sigma);
}

inline int64_t draw_short_side(uint64_t seed, uint64_t item, int64_t lo, int64_t hi) {
  random::ItemRandom rng(seed, item, 0, "scale");
  return rng.integer(lo, hi);
}

}  // namespace avflow::video
