// One output pixel of the fused clip augmentation, as the CUDA kernel computes
// it (one thread per output pixel). The CPU path applies the same pixel_math.h
// formulas row by row instead (clip_augment_cpu.cpp).
#pragma once

#include <cstdint>

#include "libs/video/clip_plan.h"
#include "libs/video/pixel_math.h"

namespace avflow::video {

// The source pixel (y, x) of the crop of frame t of clip b, as RGB in [0, 1].
AVFLOW_HD void load_crop_pixel(const ClipAugmentArgs& a, const ClipPlan& p, int64_t b, int64_t t, int64_t y,
                               int64_t x, float& r, float& g, float& bl) {
  const int64_t sx = p.x0 + (p.flip ? a.crop - 1 - x : x);
  const uint8_t* px = a.in + (((b * a.T + t) * a.H + (p.y0 + y)) * a.W + sx) * 3;
  constexpr float k = 1.f / 255.f;
  r = px[0] * k;
  g = px[1] * k;
  bl = px[2] * k;
}

// Applies the plan's first `upto` jitter steps.
AVFLOW_HD void apply_steps(const ClipPlan& p, int upto, float mean_grey, float& r, float& g, float& b) {
  for (int i = 0; i < upto; ++i) pixel::jitter_step(p.op[i], p.factor[i], mean_grey, r, g, b);
}

// The grey value the contrast step of this pixel sees before it (for the mean).
AVFLOW_HD float grey_before_contrast(const ClipAugmentArgs& a, const ClipPlan& p, int64_t b, int64_t t,
                                     int64_t y, int64_t x) {
  float r, g, bl;
  load_crop_pixel(a, p, b, t, y, x, r, g, bl);
  apply_steps(p, p.contrast_at, 0.f, r, g, bl);
  return pixel::grey(r, g, bl);
}

// Crop, flip, jitter and normalise one pixel; writes its three channels.
AVFLOW_HD void augment_pixel(const ClipAugmentArgs& a, const ClipPlan& p, int64_t b, int64_t t, int64_t y,
                             int64_t x) {
  float r, g, bl;
  load_crop_pixel(a, p, b, t, y, x, r, g, bl);
  const float mean_grey = p.contrast_at >= 0 ? a.frame_mean_grey[b * a.T + t] : 0.f;
  apply_steps(p, p.steps, mean_grey, r, g, bl);
  const int64_t plane = static_cast<int64_t>(a.T) * a.crop * a.crop;
  float* o = a.out + b * 3 * plane + (t * a.crop + y) * a.crop + x;
  o[0] = (r - a.mean[0]) * a.inv_std[0];
  o[plane] = (g - a.mean[1]) * a.inv_std[1];
  o[2 * plane] = (bl - a.mean[2]) * a.inv_std[2];
}

}  // namespace avflow::video
