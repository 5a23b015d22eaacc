// The fused clip augmentation as a function, for the clip_augment operator
// and the benchmark: plans in, normalised float clips out.
#pragma once

#include <ATen/ATen.h>

#include <array>
#include <vector>

#include "libs/video/clip_plan.h"
#include "libs/video/color_jitter_draw.h"
#include "libs/video/crop_box.h"

namespace avflow::video {

ClipPlan make_clip_plan(const CropBox& box, bool flip, const JitterDraw& jitter);

struct Normalisation {
  std::array<float, 3> mean{};
  std::array<float, 3> inv_std{};
};

// uint8 clips [B, T, H, W, 3] (any device) -> float [B, 3, T, crop, crop] on
// `device`, one plan per clip. `device` must be the CPU, or CUDA when this
// build has the CUDA kernels.
at::Tensor run_clip_augment(const at::Tensor& clips, const std::vector<ClipPlan>& plans, int64_t crop,
                            const Normalisation& norm, const at::Device& device);

// False where the CUDA kernels were not compiled (no nvcc at build time).
bool clip_augment_has_cuda_kernels();

}  // namespace avflow::video
