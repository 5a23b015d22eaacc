// color_jitter: brightness, contrast and saturation factors each uniform in
// [max(0, 1 - sigma), 1 + sigma], applied in a random order, one draw per clip
// for all of its frames (the paper uses sigma 0.5 and 1.0).
//
//   [[node]]
//   name = "jitter"
//   op = "color_jitter"
//   sigma = 0.5
//   seed = 0
//
// Formulas in libs/video/pixel_math.h; contrast blends with each frame's
// mean grey. Works in float [0, 1]: uint8 clips are scaled and rounded back.
// sigma = 0 returns the input untouched.
#include <ATen/ATen.h>

#include "engine/operator.h"
#include "engine/payloads/tensor.h"
#include "engine/registry.h"
#include "libs/video/clip_draws.h"
#include "libs/video/clip_shape.h"
#include "libs/video/video_transforms.h"

namespace avflow::ops {

using namespace avflow::video;

class ColorJitter final : public Operator {
 public:
  static inline const In<Tensor> kIn{"in", "RGB clip [T, H, W, 3] or batch [B, T, H, W, 3], uint8 or float in [0, 1]"};
  static inline const Out<Tensor> kOut{"out", "the same shape and dtype"};
  static inline const Param<double> kSigma{"sigma", 0.5, Range{0.0, 10.0}, "factor spread: each factor in [max(0, 1 - sigma), 1 + sigma]"};
  static inline const Param<int64_t> kSeed{"seed", 0, "random seed (with the item number, fixes the draw)"};
  AVFLOW_CONTRACT(kIn, kOut, kSigma, kSeed, kOneToOne, kParallel);

  void process(Context& ctx) override {
    const at::Tensor& clips = ctx.input(kIn).get();
    clip_shape(clips, /*rgb=*/true);
    const auto seed = static_cast<uint64_t>(ctx.param(kSeed));
    const double sigma = ctx.param(kSigma);
    ctx.emit(kOut, Tensor(per_clip(clips, [&](const at::Tensor& clip, int64_t b) {
               return color_jitter_clip(clip, draw_jitter(seed, ctx.item(), b, sigma));
             })));
  }
};

AVFLOW_REGISTER(ColorJitter, "color_jitter", "random brightness, contrast and saturation in random order, per clip");

}  // namespace avflow::ops
