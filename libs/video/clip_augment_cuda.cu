// CUDA path of the fused clip augmentation: one block per frame reduces the
// mean grey the contrast step needs, then one thread per output pixel does
// crop, flip, jitter, uint8 -> float and normalisation in a single pass.
#include <cuda_runtime.h>

#include <stdexcept>
#include <string>

#include "libs/video/clip_pixel.h"

namespace avflow::video {
namespace {

constexpr int kReduceThreads = 256;
constexpr int kPixelThreads = 256;

__global__ void frame_mean_grey_kernel(ClipAugmentArgs a) {
  const int64_t f = blockIdx.x;  // frame index b * T + t
  const int64_t b = f / a.T, t = f % a.T;
  const ClipPlan p = a.plans[b];
  if (p.contrast_at < 0) return;
  const int64_t n = static_cast<int64_t>(a.crop) * a.crop;
  float sum = 0.f;
  for (int64_t i = threadIdx.x; i < n; i += blockDim.x) sum += grey_before_contrast(a, p, b, t, i / a.crop, i % a.crop);
  // Warp sums, then one value per warp through shared memory.
  for (int offset = 16; offset > 0; offset /= 2) sum += __shfl_down_sync(0xffffffffu, sum, offset);
  __shared__ float warp_sums[kReduceThreads / 32];
  if (threadIdx.x % 32 == 0) warp_sums[threadIdx.x / 32] = sum;
  __syncthreads();
  if (threadIdx.x < 32) {
    sum = threadIdx.x < kReduceThreads / 32 ? warp_sums[threadIdx.x] : 0.f;
    for (int offset = 16; offset > 0; offset /= 2) sum += __shfl_down_sync(0xffffffffu, sum, offset);
    if (threadIdx.x == 0) a.frame_mean_grey[f] = sum / static_cast<float>(n);
  }
}

__global__ void augment_kernel(ClipAugmentArgs a) {
  const int64_t per_clip = static_cast<int64_t>(a.T) * a.crop * a.crop;
  const int64_t total = per_clip * a.B;
  for (int64_t i = blockIdx.x * static_cast<int64_t>(blockDim.x) + threadIdx.x; i < total;
       i += static_cast<int64_t>(gridDim.x) * blockDim.x) {
    const int64_t b = i / per_clip, rest = i % per_clip;
    const int64_t t = rest / (a.crop * a.crop), yx = rest % (a.crop * a.crop);
    augment_pixel(a, a.plans[b], b, t, yx / a.crop, yx % a.crop);
  }
}

void check(cudaError_t err, const char* what) {
  if (err != cudaSuccess) throw std::runtime_error(std::string(what) + ": " + cudaGetErrorString(err));
}

}  // namespace

void clip_augment_cuda(const ClipAugmentArgs& args, void* stream_ptr) {
  auto stream = static_cast<cudaStream_t>(stream_ptr);
  const int64_t frames = static_cast<int64_t>(args.B) * args.T;
  if (frames == 0) return;
  frame_mean_grey_kernel<<<static_cast<unsigned>(frames), kReduceThreads, 0, stream>>>(args);
  check(cudaGetLastError(), "clip_augment contrast-mean kernel launch");
  const int64_t total = frames * args.crop * args.crop;
  const int64_t blocks = (total + kPixelThreads - 1) / kPixelThreads;
  augment_kernel<<<static_cast<unsigned>(blocks < 65535 * 16 ? blocks : 65535 * 16), kPixelThreads, 0, stream>>>(args);
  check(cudaGetLastError(), "clip_augment kernel launch");
}

}  // namespace avflow::video
