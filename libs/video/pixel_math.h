// Per-pixel colour maths shared by the CPU loop and the CUDA kernel of the
// fused clip augmentation, so both paths compute the same formula.
//
// Pixels are RGB floats in [0, 1]. Every jitter step blends with a reference
// and clamps to [0, 1], as torchvision's tensor functions do:
//   brightness f: clamp(f * v)                      (blend with black)
//   contrast   f: clamp(f * v + (1 - f) * m)        m = the frame's mean grey
//   saturation f: clamp(f * v + (1 - f) * grey(v))  per pixel
// grey = 0.2989 R + 0.587 G + 0.114 B (ITU-R BT.601 luma, torchvision's weights).
#pragma once

#ifdef __CUDACC__
#define AVFLOW_HD __host__ __device__ __forceinline__
#else
#define AVFLOW_HD inline
#endif

namespace avflow::video::pixel {

constexpr float kGreyR = 0.2989f, kGreyG = 0.587f, kGreyB = 0.114f;

AVFLOW_HD float grey(float r, float g, float b) { return kGreyR * r + kGreyG * g + kGreyB * b; }

AVFLOW_HD float clamp01(float v) { return v < 0.f ? 0.f : (v > 1.f ? 1.f : v); }

AVFLOW_HD float blend(float v, float ref, float f) { return clamp01(f * v + (1.f - f) * ref); }

// One jitter step; `op` is a JitterOp (0 brightness, 1 contrast, 2 saturation).
AVFLOW_HD void jitter_step(int op, float f, float frame_mean_grey, float& r, float& g, float& b) {
  float ref_r = 0.f, ref_g = 0.f, ref_b = 0.f;
  if (op == 1) {
    ref_r = ref_g = ref_b = frame_mean_grey;
  } else if (op == 2) {
    ref_r = ref_g = ref_b = grey(r, g, b);
  }
  r = blend(r, ref_r, f);
  g = blend(g, ref_g, f);
  b = blend(b, ref_b, f);
}

}  // namespace avflow::video::pixel
