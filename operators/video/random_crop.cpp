// random_crop: a size x size crop at a uniformly drawn position, the same for
// every frame of a clip (each clip of a batch draws its own).
//
//   [[node]]
//   name = "crop"
//   op = "random_crop"
//   size = 158
//   seed = 0
//
// Draws from the stream (seed, item, clip, "crop"), as clip_augment does.
#include <ATen/ATen.h>

#include "engine/operator.h"
#include "engine/payloads/tensor.h"
#include "engine/registry.h"
#include "libs/video/clip_draws.h"
#include "libs/video/clip_shape.h"
#include "libs/video/video_transforms.h"

namespace avflow::ops {

using namespace avflow::video;

class RandomCrop final : public Operator {
 public:
  static inline const In<Tensor> kIn{"in", "clip [T, H, W, C] or batch [B, T, H, W, C]"};
  static inline const Out<Tensor> kOut{"out", "[.., T, size, size, C], same dtype"};
  static inline const Param<int64_t> kSize{"size", 158, Range{1, 8192}, "crop side in pixels"};
  static inline const Param<int64_t> kSeed{"seed", 0, "random seed (with the item number, fixes the position)"};
  AVFLOW_CONTRACT(kIn, kOut, kSize, kSeed, kOneToOne, kParallel);

  void process(Context& ctx) override {
    const at::Tensor& clips = ctx.input(kIn).get();
    const ClipShape s = clip_shape(clips, /*rgb=*/false);
    const auto seed = static_cast<uint64_t>(ctx.param(kSeed));
    const int64_t size = ctx.param(kSize);
    ctx.emit(kOut, Tensor(per_clip(clips, [&](const at::Tensor& clip, int64_t b) {
               return crop_clip(clip, draw_crop(seed, ctx.item(), b, "random", s.H, s.W, size)).contiguous();
             })));
  }
};

AVFLOW_REGISTER(RandomCrop, "random_crop", "square crop at a random position, the same for all frames of a clip");

}  // namespace avflow::ops
