// Single-step video transforms written with LibTorch tensor operations.
//
// They back the single-step operators (resize, random_crop, fixed_crop, flip,
// color_jitter, normalize) and are the "unfused composition" the fused
// clip_augment operator is checked and benchmarked against. Each works on one
// clip [T, H, W, C] on whatever device the clip lives.
#pragma once

#include <ATen/ATen.h>

#include <array>

#include "libs/video/color_jitter_draw.h"
#include "libs/video/crop_box.h"

namespace avflow::video {

// Bilinear resize so the shorter side is `short_side` (the longer side keeps
// the aspect ratio, rounded to the nearest pixel), antialiased when
// shrinking. uint8 in gives uint8 out (rounded); float stays float.
at::Tensor resize_short_side(const at::Tensor& clip, int64_t short_side);

at::Tensor crop_clip(const at::Tensor& clip, const CropBox& box);  // a view
at::Tensor hflip_clip(const at::Tensor& clip);

// Colour jitter of a float clip in [0, 1] (see pixel_math.h for the formulas;
// contrast blends with each frame's own mean grey). uint8 clips are scaled to
// [0, 1] first and rounded back.
at::Tensor color_jitter_clip(const at::Tensor& clip, const JitterDraw& draw);

// uint8 [T, H, W, 3] (or float in [0, 1]) -> float [3, T, H, W], (x - mean) / std.
at::Tensor normalize_clip(const at::Tensor& clip, const std::array<double, 3>& mean,
                          const std::array<double, 3>& std);

// Applies `fn(clip, b)` to each clip of a [T, H, W, C] or [B, T, H, W, C]
// tensor and stacks the results.
template <class Fn>
at::Tensor per_clip(const at::Tensor& clips, Fn fn) {
  if (clips.dim() == 4) return fn(clips, int64_t{0});
  std::vector<at::Tensor> out;
  out.reserve(static_cast<size_t>(clips.size(0)));
  for (int64_t b = 0; b < clips.size(0); ++b) out.push_back(fn(clips[b], b));
  return at::stack(out);
}

}  // namespace avflow::video
