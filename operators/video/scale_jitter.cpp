// scale_jitter: resizes each clip so its shorter side is drawn uniformly from
// [min_short_side, max_short_side] (integers, both included); the evaluation
// recipe uses [181, 226] before a 158 x 158 random crop.
//
//   [[node]]
//   name = "scale"
//   op = "scale_jitter"
//   min_short_side = 181
//   max_short_side = 226
//   seed = 0
//
// One draw per item from its own stream (seed, item), so the result does not
// depend on scheduling. Single clips only: the clips of a batch would come out
// in different sizes.
#include <ATen/ATen.h>

#include <stdexcept>

#include "engine/operator.h"
#include "engine/payloads/tensor.h"
#include "engine/registry.h"
#include "libs/video/clip_draws.h"
#include "libs/video/clip_shape.h"
#include "libs/video/video_transforms.h"

namespace avflow::ops {

using namespace avflow::video;

class ScaleJitter final : public Operator {
 public:
  static inline const In<Tensor> kIn{"in", "clip [T, H, W, C], uint8 or float"};
  static inline const Out<Tensor> kOut{"out", "the clip with a random short side"};
  static inline const Param<int64_t> kMin{"min_short_side", 181, Range{8, 8192}, "smallest short side drawn"};
  static inline const Param<int64_t> kMax{"max_short_side", 226, Range{8, 8192}, "largest short side drawn"};
  static inline const Param<int64_t> kSeed{"seed", 0, "random seed (with the item number, fixes the draw)"};
  AVFLOW_CONTRACT(kIn, kOut, kMin, kMax, kSeed, not_above(kMin, kMax), kOneToOne, kParallel);

  void process(Context& ctx) override {
    const at::Tensor& clip = ctx.input(kIn).get();
    single_clip_shape(clip, /*rgb=*/false, "the clips of a batch would get different sizes; jitter before batching");
    const int64_t side = draw_short_side(static_cast<uint64_t>(ctx.param(kSeed)), ctx.item(), ctx.param(kMin),
                                         ctx.param(kMax));
    ctx.emit(kOut, Tensor(resize_short_side(clip, side)));
  }
};

AVFLOW_REGISTER(ScaleJitter, "scale_jitter", "resize to a short side drawn uniformly from a range, per item");

}  // namespace avflow::ops
