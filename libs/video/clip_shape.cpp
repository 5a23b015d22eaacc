#include "libs/video/clip_shape.h"

#include <stdexcept>
#include <string>

#include "engine/payloads/tensor.h"

namespace avflow::video {

ClipShape clip_shape(const at::Tensor& clip, bool rgb) {
  const bool dtype_ok = clip.scalar_type() == at::kByte || clip.scalar_type() == at::kFloat;
  const bool rank_ok = clip.dim() == 4 || clip.dim() == 5;
  if (!dtype_ok || !rank_ok || (rgb && clip.size(-1) != 3) || clip.numel() == 0)
    throw std::invalid_argument(std::string("expected a clip [T, H, W, ") + (rgb ? "3" : "C") +
                                "] or a batch of clips [B, T, H, W, " + (rgb ? "3" : "C") +
                                "], uint8 or float, got " + Tensor(clip).str());
  ClipShape s;
  s.batched = clip.dim() == 5;
  const int64_t o = s.batched ? 1 : 0;
  s.B = s.batched ? clip.size(0) : 1;
  s.T = clip.size(o);
  s.H = clip.size(o + 1);
  s.W = clip.size(o + 2);
  s.C = clip.size(o + 3);
  return s;
}

ClipShape single_clip_shape(const at::Tensor& clip, bool rgb, const char* why_single) {
  ClipShape s = clip_shape(clip, rgb);
  if (s.batched)
    throw std::invalid_argument("expected one clip [T, H, W, C], got the batch " + Tensor(clip).str() + ": " +
                                why_single);
  return s;
}

}  // namespace avflow::video
