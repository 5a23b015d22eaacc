// flip: mirrors a clip horizontally with probability `probability`, all of its
// frames alike (each clip of a batch draws its own).
//
//   [[node]]
//   name = "flip"
//   op = "flip"
//   probability = 0.5
//   seed = 0
//
// Draws from the stream (seed, item, clip, "flip"), as clip_augment does.
#include <ATen/ATen.h>

#include "engine/operator.h"
#include "engine/payloads/tensor.h"
#include "engine/registry.h"
#include "libs/video/clip_draws.h"
#include "libs/video/clip_shape.h"
#include "libs/video/video_transforms.h"

namespace avflow::ops {

using namespace avflow::video;

class Flip final : public Operator {
 public:
  static inline const In<Tensor> kIn{"in", "clip [T, H, W, C] or batch [B, T, H, W, C]"};
  static inline const Out<Tensor> kOut{"out", "the same shape and dtype"};
  static inline const Param<double> kProbability{"probability", 0.5, Range{0.0, 1.0}, "chance that a clip is mirrored"};
  static inline const Param<int64_t> kSeed{"seed", 0, "random seed (with the item number, fixes the draw)"};
  AVFLOW_CONTRACT(kIn, kOut, kProbability, kSeed, kOneToOne, kParallel);

  void process(Context& ctx) override {
    const at::Tensor& clips = ctx.input(kIn).get();
    clip_shape(clips, /*rgb=*/false);
    const auto seed = static_cast<uint64_t>(ctx.param(kSeed));
    const double p = ctx.param(kProbability);
    ctx.emit(kOut, Tensor(per_clip(clips, [&](const at::Tensor& clip, int64_t b) {
               return draw_flip(seed, ctx.item(), b, p) ? hflip_clip(clip) : clip;
             })));
  }
};

AVFLOW_REGISTER(Flip, "flip", "horizontal flip of whole clips with a given probability");

}  // namespace avflow::ops
