// Clip layout checks shared by the video operators.
//
// A clip is uint8 (or float in [0, 1]) frames [T, H, W, C], as decoded; a
// batch of clips is [B, T, H, W, C]. Operators accept either and say which
// they got when the shape is wrong.
#pragma once

#include <ATen/ATen.h>

#include <cstdint>

namespace avflow::video {

struct ClipShape {
  bool batched = false;
  int64_t B = 1, T = 0, H = 0, W = 0, C = 0;
};

// Throws std::invalid_argument naming the shape and dtype unless `clip` is a
// [T, H, W, C] or [B, T, H, W, C] uint8 or float tensor (C == 3 when `rgb`).
ClipShape clip_shape(const at::Tensor& clip, bool rgb);

// The same check for operators that take single clips only.
ClipShape single_clip_shape(const at::Tensor& clip, bool rgb, const char* why_single);

}  // namespace avflow::video
