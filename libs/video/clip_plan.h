// The fused clip augmentation, as plain data both the CPU loop and the CUDA
// kernel read: per clip, where to crop, whether to flip, which colour steps
// to apply in which order; per run, the normalisation.
#pragma once

#include <cstdint>

namespace avflow::video {

struct ClipPlan {
  int32_t y0 = 0, x0 = 0;   // crop origin in the source frame
  int32_t flip = 0;         // 1: mirror horizontally
  int32_t steps = 0;        // jitter steps to apply: 0 (identity) or 3
  int32_t contrast_at = -1; // index in `op` of the contrast step, -1 if none
  int32_t op[3] = {0, 1, 2};       // JitterOp, in the order applied
  float factor[3] = {1.f, 1.f, 1.f};  // factor of op[i]
};

struct ClipAugmentArgs {
  const uint8_t* in = nullptr;   // [B, T, H, W, 3] uint8, contiguous
  float* out = nullptr;          // [B, 3, T, crop, crop] float32, contiguous
  const ClipPlan* plans = nullptr;  // [B]
  float* frame_mean_grey = nullptr; // [B * T] scratch: mean grey before the contrast step
  int32_t B = 0, T = 0, H = 0, W = 0, crop = 0;
  float mean[3] = {0.f, 0.f, 0.f};
  float inv_std[3] = {1.f, 1.f, 1.f};
};

// CPU path: frames in parallel (at::parallel_for), each loaded once into a
// planar float buffer that every step then walks.
void clip_augment_cpu(const ClipAugmentArgs& args);

#ifdef AVFLOW_HAVE_CUDA_KERNELS
// CUDA path on `stream` (a cudaStream_t): a reduction kernel for the
// contrast means, then one fused kernel over the output pixels. All pointers
// are device pointers.
void clip_augment_cuda(const ClipAugmentArgs& args, void* stream);
#endif

}  // namespace avflow::video
