// CPU path of the fused clip augmentation: frames in parallel, one pass each
// (two when the clip has a contrast step, which needs the frame's mean grey).
#include <ATen/Parallel.h>

#include "operators/video/clip_pixel.h"

namespace avflow::ops {

void clip_augment_cpu(const ClipAugmentArgs& a) {
  const int64_t frames = static_cast<int64_t>(a.B) * a.T;
  at::parallel_for(0, frames, 1, [&](int64_t begin, int64_t end) {
    for (int64_t f = begin; f < end; ++f) {
      const int64_t b = f / a.T, t = f % a.T;
      const ClipPlan& p = a.plans[b];
      if (p.contrast_at >= 0) {
        double sum = 0;
        for (int64_t y = 0; y < a.crop; ++y)
          for (int64_t x = 0; x < a.crop; ++x) sum += grey_before_contrast(a, p, b, t, y, x);
        a.frame_mean_grey[f] = static_cast<float>(sum / (static_cast<double>(a.crop) * a.crop));
      }
      for (int64_t y = 0; y < a.crop; ++y)
        for (int64_t x = 0; x < a.crop; ++x) augment_pixel(a, p, b, t, y, x);
    }
  });
}

}  // namespace avflow::ops
