// clip_augment: the whole per-clip video augmentation in one pass over the
// uint8 frames: square crop (random or fixed), horizontal flip, colour jitter,
// conversion to float and per-channel normalisation, [T, H, W, 3] uint8 ->
// [3, T, crop, crop] float32 (batches [B, T, H, W, 3] -> [B, 3, T, crop, crop]).
//
//   [[node]]
//   name = "augment"
//   op = "clip_augment"
//   crop = 158
//   crop_position = "random"   # or left / center / right for testing views
//   flip_probability = 0.5
//   sigma = 0.5                # colour jitter; 0 = off
//   seed = 0
//   device = "cuda"            # cpu, cuda or auto
//
// The same result as random_crop -> flip -> color_jitter (on float) ->
// normalize with the same seed: it draws from the same per-item streams
// (libs/video/clip_draws.h) and applies the same pixel formulas
// (pixel_math.h). Resize / scale jitter come before it (resize, scale_jitter).
// On CUDA, the output stays on the GPU; the input is copied there first.
#include <ATen/ATen.h>

#include <stdexcept>
#include <vector>

#include "engine/operator.h"
#include "engine/payloads/tensor.h"
#include "engine/registry.h"
#include "libs/device/device.h"
#include "libs/device/side_stream.h"
#include "libs/video/clip_draws.h"
#include "libs/video/clip_augment_run.h"
#include "libs/video/clip_shape.h"
#include "libs/video/normalization.h"

namespace avflow::ops {

using namespace avflow::device;
using namespace avflow::video;

class ClipAugment final : public Operator {
 public:
  static inline const In<Tensor> kIn{"in", "uint8 RGB clip [T, H, W, 3] or batch [B, T, H, W, 3]"};
  static inline const Out<Tensor> kOut{"out", "float32 [3, T, crop, crop] or [B, 3, T, crop, crop]"};
  static inline const Param<int64_t> kCrop{"crop", 158, Range{1, 8192}, "square crop side in pixels"};
  static inline const Param<std::string> kPosition{"crop_position", "random", Choices{"random", "left", "center", "right"},
                                                   "random position, or a fixed crop for multi-view testing"};
  static inline const Param<double> kFlip{"flip_probability", 0.5, Range{0.0, 1.0}, "chance that a clip is mirrored"};
  static inline const Param<double> kSigma{"sigma", 0.0, Range{0.0, 10.0}, "colour jitter spread (0 = no jitter)"};
  static inline const Param<std::vector<double>> kMean = mean_param();
  static inline const Param<std::vector<double>> kStd = std_param();
  static inline const Param<int64_t> kSeed{"seed", 0, "random seed (with the item number, fixes every draw)"};
  static inline const Param<std::string> kDevice = device_param();
  AVFLOW_CONTRACT(kIn, kOut, kCrop, kPosition, kFlip, kSigma, kMean, kStd, kSeed, kDevice, kOneToOne, kParallel);

  void open(Context& ctx) override {
    device_ = resolve_device(ctx.param(kDevice));
    if (device_.is_cuda() && !clip_augment_has_cuda_kernels())
      throw std::invalid_argument("clip_augment was built without its CUDA kernel (no nvcc at build time); "
                                  "use device = \"cpu\"");
    const auto mean = rgb_values(ctx.param(kMean), "mean");
    const auto std = rgb_values(ctx.param(kStd), "std");
    for (int c = 0; c < 3; ++c) {
      norm_.mean[c] = static_cast<float>(mean[c]);
      norm_.inv_std[c] = static_cast<float>(1.0 / std[c]);
    }
  }

  void process(Context& ctx) override {
    const at::Tensor& clips = ctx.input(kIn).get();
    const ClipShape s = clip_shape(clips, /*rgb=*/true);
    if (clips.scalar_type() != at::kByte)
      throw std::invalid_argument("clip_augment takes uint8 frames, got " + Tensor(clips).str() +
                                  " (use the single-step operators for float clips)");
    const auto seed = static_cast<uint64_t>(ctx.param(kSeed));
    const int64_t crop = ctx.param(kCrop);
    std::vector<ClipPlan> plans;
    for (int64_t b = 0; b < s.B; ++b)
      plans.push_back(make_clip_plan(draw_crop(seed, ctx.item(), b, ctx.param(kPosition), s.H, s.W, crop),
                                     draw_flip(seed, ctx.item(), b, ctx.param(kFlip)),
                                     draw_jitter(seed, ctx.item(), b, ctx.param(kSigma))));
    const SideStream side(device_);
    const at::Tensor in = side.to_device(s.batched ? clips : clips.unsqueeze(0));
    at::Tensor out = run_clip_augment(in, plans, crop, norm_, device_);
    side.hand_over(out);
    ctx.emit(kOut, Tensor(s.batched ? out : out[0]));
  }

 private:
  at::Device device_ = at::kCPU;
  Normalisation norm_;
};

AVFLOW_REGISTER(ClipAugment, "clip_augment", "fused crop, flip, colour jitter and normalisation of uint8 clips (CPU or CUDA)");

}  // namespace avflow::ops
