// resize: scales clips so the shorter side of every frame is `short_side`.
//
//   [[node]]
//   name = "resize"
//   op = "resize"
//   short_side = 190      # the paper's pretraining size
//
// Bilinear, antialiased when shrinking (a triangle filter widened by the
// scale, as torch's antialias=True), aspect ratio kept (long side rounded to
// the nearest pixel). uint8 stays uint8 (rounded), float stays float.
// Computes on the device the clip is on.
#include <ATen/ATen.h>

#include "engine/operator.h"
#include "engine/payloads/tensor.h"
#include "engine/registry.h"
#include "libs/video/clip_shape.h"
#include "libs/video/video_transforms.h"

namespace avflow::ops {

using namespace avflow::video;

class Resize final : public Operator {
 public:
  static inline const In<Tensor> kIn{"in", "clip [T, H, W, C] or batch [B, T, H, W, C], uint8 or float"};
  static inline const Out<Tensor> kOut{"out", "the same layout and dtype, short side = short_side"};
  static inline const Param<int64_t> kShortSide{"short_side", 190, Range{8, 8192}, "target length of the shorter side in pixels"};
  AVFLOW_CONTRACT(kIn, kOut, kShortSide, kOneToOne, kParallel);

  void process(Context& ctx) override {
    const at::Tensor& clip = ctx.input(kIn).get();
    clip_shape(clip, /*rgb=*/false);
    ctx.emit(kOut, Tensor(resize_short_side(clip, ctx.param(kShortSide))));
  }
};

AVFLOW_REGISTER(Resize, "resize", "bilinear resize so the shorter side is short_side (antialiased when shrinking)");

}  // namespace avflow::ops
