// fixed_crop: the deterministic crops of multi-view testing. `left`, `center`
// or `right` along the longer side of the frame (top / centre / bottom for
// portrait frames), centred along the shorter side.
//
//   [[node]]
//   name = "left"
//   op = "fixed_crop"
//   size = 158
//   position = "left"
#include <ATen/ATen.h>

#include "engine/operator.h"
#include "engine/payloads/tensor.h"
#include "engine/registry.h"
#include "libs/video/clip_shape.h"
#include "libs/video/crop_box.h"
#include "libs/video/video_transforms.h"

namespace avflow::ops {

using namespace avflow::video;

class FixedCrop final : public Operator {
 public:
  static inline const In<Tensor> kIn{"in", "clip [T, H, W, C] or batch [B, T, H, W, C]"};
  static inline const Out<Tensor> kOut{"out", "[.., T, size, size, C], same dtype"};
  static inline const Param<int64_t> kSize{"size", 158, Range{1, 8192}, "crop side in pixels"};
  static inline const Param<std::string> kPosition{"position", "center", Choices{"left", "center", "right"},
                                                   "where along the longer side of the frame"};
  AVFLOW_CONTRACT(kIn, kOut, kSize, kPosition, kOneToOne, kParallel);

  void process(Context& ctx) override {
    const at::Tensor& clips = ctx.input(kIn).get();
    const ClipShape s = clip_shape(clips, /*rgb=*/false);
    const CropBox box = fixed_crop_box(ctx.param(kPosition), s.H, s.W, ctx.param(kSize));
    ctx.emit(kOut, Tensor(per_clip(clips, [&](const at::Tensor& clip, int64_t) { return crop_clip(clip, box).contiguous(); })));
  }
};

AVFLOW_REGISTER(FixedCrop, "fixed_crop", "left, center or right square crop (multi-view testing)");

}  // namespace avflow::ops
