// Where a square crop sits in a frame. One box per clip: every frame of a
// clip gets the same crop, so motion stays intact.
#pragma once

#include <cstdint>
#include <string>

#include "libs/random/item_random.h"

namespace avflow::video {

struct CropBox {
  int64_t y0 = 0, x0 = 0, size = 0;
};

// Throws std::invalid_argument when a size x size crop does not fit in H x W.
void check_crop_fits(int64_t H, int64_t W, int64_t size);

// Uniform over every position where the crop fits (purpose "crop").
CropBox random_crop_box(random::ItemRandom& rng, int64_t H, int64_t W, int64_t size);

// The multi-view test crops: "left", "center" or "right" along the longer
// side of the frame, centred along the shorter one (for portrait frames
// left / right are top / bottom).
CropBox fixed_crop_box(const std::string& position, int64_t H, int64_t W, int64_t size);

}  // namespace avflow::video
