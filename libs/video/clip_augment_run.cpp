#include "libs/video/clip_augment_run.h"

#include <ATen/ATen.h>
#ifdef AVFLOW_HAVE_CUDA_KERNELS
#include <ATen/cuda/CUDAContext.h>
#endif

#include <cstring>
#include <stdexcept>

namespace avflow::video {

ClipPlan make_clip_plan(const CropBox& box, bool flip, const JitterDraw& jitter) {
  ClipPlan p;
  p.y0 = static_cast<int32_t>(box.y0);
  p.x0 = static_cast<int32_t>(box.x0);
  p.flip = flip ? 1 : 0;
  if (!jitter.identity()) {
    p.steps = 3;
    for (int i = 0; i < 3; ++i) {
      p.op[i] = jitter.order[i];
      p.factor[i] = jitter.factor[jitter.order[i]];
      if (p.op[i] == kContrast) p.contrast_at = i;
    }
  }
  return p;
}

bool clip_augment_has_cuda_kernels() {
#ifdef AVFLOW_HAVE_CUDA_KERNELS
  return true;
#else
  return false;
#endif
}

at::Tensor run_clip_augment(const at::Tensor& clips, const std::vector<ClipPlan>& plans, int64_t crop,
                            const Normalisation& norm, const at::Device& device) {
  if (device.is_cuda() && !clip_augment_has_cuda_kernels())
    throw std::invalid_argument("clip_augment was built without its CUDA kernel (no nvcc at build time)");
  const int64_t B = clips.size(0), T = clips.size(1);
  ClipAugmentArgs a;
  a.B = static_cast<int32_t>(B);
  a.T = static_cast<int32_t>(T);
  a.H = static_cast<int32_t>(clips.size(2));
  a.W = static_cast<int32_t>(clips.size(3));
  a.crop = static_cast<int32_t>(crop);
  for (int c = 0; c < 3; ++c) {
    a.mean[c] = norm.mean[c];
    a.inv_std[c] = norm.inv_std[c];
  }
  at::Tensor in = clips.to(device).contiguous();
  at::Tensor out = at::empty({B, 3, T, crop, crop}, in.options().dtype(at::kFloat));
  at::Tensor means = at::empty({B * T}, out.options());
  // The plans travel as bytes: one small copy to the device per call.
  at::Tensor plan_bytes = at::empty({static_cast<int64_t>(plans.size() * sizeof(ClipPlan))}, at::kByte);
  std::memcpy(plan_bytes.data_ptr(), plans.data(), plans.size() * sizeof(ClipPlan));
  plan_bytes = plan_bytes.to(device);
  a.in = in.data_ptr<uint8_t>();
  a.out = out.data_ptr<float>();
  a.frame_mean_grey = means.data_ptr<float>();
  a.plans = reinterpret_cast<const ClipPlan*>(plan_bytes.data_ptr());
#ifdef AVFLOW_HAVE_CUDA_KERNELS
  if (device.is_cuda()) {
    clip_augment_cuda(a, at::cuda::getCurrentCUDAStream().stream());
    return out;
  }
#endif
  clip_augment_cpu(a);
  return out;
}

}  // namespace avflow::video
