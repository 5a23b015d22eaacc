// normalize: uint8 frames [T, H, W, 3] -> float [3, T, H, W], the layout the
// video encoder takes, with (x / 255 - mean) / std per channel. A float clip
// is taken to be in [0, 1] already. Batches [B, T, H, W, 3] -> [B, 3, T, H, W].
//
//   [[node]]
//   name = "normalize"
//   op = "normalize"
//   mean = [0.43216, 0.394666, 0.37645]
//   std = [0.22803, 0.22145, 0.216989]
#include <ATen/ATen.h>

#include "engine/operator.h"
#include "engine/payloads/tensor.h"
#include "engine/registry.h"
#include "libs/video/clip_shape.h"
#include "libs/video/normalization.h"
#include "libs/video/video_transforms.h"

namespace avflow::ops {

using namespace avflow::video;

class Normalize final : public Operator {
 public:
  static inline const In<Tensor> kIn{"in", "RGB clip [T, H, W, 3] or batch [B, T, H, W, 3], uint8 or float in [0, 1]"};
  static inline const Out<Tensor> kOut{"out", "float32 [3, T, H, W] or [B, 3, T, H, W]"};
  static inline const Param<std::vector<double>> kMean = mean_param();
  static inline const Param<std::vector<double>> kStd = std_param();
  AVFLOW_CONTRACT(kIn, kOut, kMean, kStd, kOneToOne, kParallel);

  void open(Context& ctx) override {
    mean_ = rgb_values(ctx.param(kMean), "mean");
    std_ = rgb_values(ctx.param(kStd), "std");
  }

  void process(Context& ctx) override {
    const at::Tensor& clips = ctx.input(kIn).get();
    clip_shape(clips, /*rgb=*/true);
    ctx.emit(kOut, Tensor(per_clip(clips, [&](const at::Tensor& clip, int64_t) { return normalize_clip(clip, mean_, std_); })));
  }

 private:
  std::array<double, 3> mean_{}, std_{};
};

AVFLOW_REGISTER(Normalize, "normalize", "uint8 THWC frames to float CTHW, normalised per channel");

}  // namespace avflow::ops
