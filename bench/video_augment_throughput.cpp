// Video augmentation throughput: the fused clip_augment path against the same
// augmentation written as a plain composition of LibTorch calls (the
// single-step operators' functions: crop, flip, colour jitter, normalise),
// on the CPU and, where a GPU is usable, on CUDA. Prints one table.
//
//   bench_video_augment_throughput [seconds_per_row] [batch ...]   (default batches 1 and 32)
//
// Clips are the pretraining shape: 16 frames of 190 x 338 uint8 RGB (a 16:9
// title resized to a 190 short side), cropped to 158, flip 0.5, jitter
// sigma 0.5. On CUDA both paths start from clips already on the GPU.
// On the CPU a batch of 32 makes 150 MB of output per call; glibc hands
// blocks that large back to the kernel on free, so both paths then pay a page
// fault per 4 KiB of every batch and the row measures that more than the
// arithmetic (batch 1 stays in reused heap memory).
#include <ATen/ATen.h>
#include <ATen/Parallel.h>
#ifdef AVFLOW_HAVE_CUDA_KERNELS
#include <ATen/cuda/CUDAContext.h>
#endif

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <functional>
#include <string>
#include <vector>

#include "libs/video/clip_augment_run.h"
#include "libs/video/clip_draws.h"
#include "libs/video/video_transforms.h"

using namespace avflow::video;

namespace {

constexpr int64_t kT = 16, kH = 190, kW = 338, kCrop = 158;
constexpr double kSigma = 0.5, kFlip = 0.5;
const std::array<double, 3> kMean{0.43216, 0.394666, 0.37645}, kStd{0.22803, 0.22145, 0.216989};

void sync(const at::Device& d) {
#ifdef AVFLOW_HAVE_CUDA_KERNELS
  if (d.is_cuda()) at::cuda::getCurrentCUDAStream().synchronize();
#endif
}

// Clips per second of `step` (which augments one batch), after a warm-up.
double clips_per_second(const std::function<at::Tensor(uint64_t)>& step, int64_t batch, double seconds,
                        const at::Device& d) {
  for (int i = 0; i < 3; ++i) step(i);
  sync(d);
  using clock = std::chrono::steady_clock;
  const auto start = clock::now();
  uint64_t batches = 0;
  double elapsed = 0;
  do {
    step(batches++);
    if (batches % 4 == 0 || d.is_cpu()) sync(d);
    elapsed = std::chrono::duration<double>(clock::now() - start).count();
  } while (elapsed < seconds);
  sync(d);
  elapsed = std::chrono::duration<double>(clock::now() - start).count();
  return static_cast<double>(batches * batch) / elapsed;
}

at::Tensor composed(const at::Tensor& clips, uint64_t item) {
  return per_clip(clips, [&](const at::Tensor& clip, int64_t b) {
    at::Tensor x = crop_clip(clip, draw_crop(1, item, b, "random", kH, kW, kCrop));
    if (draw_flip(1, item, b, kFlip)) x = hflip_clip(x);
    x = color_jitter_clip(x.to(at::kFloat).div_(255.0), draw_jitter(1, item, b, kSigma));
    return normalize_clip(x, kMean, kStd);
  });
}

at::Tensor fused(const at::Tensor& clips, uint64_t item, const at::Device& d) {
  std::vector<ClipPlan> plans;
  for (int64_t b = 0; b < clips.size(0); ++b)
    plans.push_back(make_clip_plan(draw_crop(1, item, b, "random", kH, kW, kCrop), draw_flip(1, item, b, kFlip),
                                   draw_jitter(1, item, b, kSigma)));
  Normalisation norm;
  for (int c = 0; c < 3; ++c) {
    norm.mean[c] = static_cast<float>(kMean[c]);
    norm.inv_std[c] = static_cast<float>(1.0 / kStd[c]);
  }
  return run_clip_augment(clips, plans, kCrop, norm, d);
}

}  // namespace

int main(int argc, char** argv) {
  const double seconds = argc > 1 ? std::atof(argv[1]) : 2.0;
  std::vector<int64_t> batches;
  bool cuda_only = false;  // --cuda-only: the GPU rows alone
  for (int i = 2; i < argc; ++i) {
    if (std::string(argv[i]) == "--cuda-only") cuda_only = true;
    else batches.push_back(std::atoll(argv[i]));
  }
  if (batches.empty()) batches = {1, 32};
  std::printf("video augmentation, clips of %lldx%lldx%lldx3 uint8 -> 3x%lldx%lldx%lld float; clips per second\n",
              static_cast<long long>(kT), static_cast<long long>(kH), static_cast<long long>(kW),
              static_cast<long long>(kT), static_cast<long long>(kCrop), static_cast<long long>(kCrop));
  std::printf("CPU intra-op threads: %d; %.1f s per measurement\n\n", at::get_num_threads(), seconds);
  std::printf("| device | batch | composition | clip_augment | ratio | max abs diff |\n");
  std::printf("|--------|-------|-------------|--------------|-------|--------------|\n");
  std::vector<at::Device> devices;
  if (!cuda_only) devices.emplace_back(at::kCPU);
  if (at::hasCUDA() && clip_augment_has_cuda_kernels()) devices.emplace_back(at::kCUDA);
  auto gen = at::make_generator<at::CPUGeneratorImpl>(7);
  for (const at::Device& d : devices)
    for (int64_t batch : batches) {
      at::Tensor in = at::randint(0, 256, {batch, kT, kH, kW, 3}, gen, at::TensorOptions().dtype(at::kByte)).to(d);
      // Both paths give the same numbers: check before timing.
      const double diff = (composed(in, 0) - fused(in, 0, d)).abs().max().item<double>();
      const double base = clips_per_second([&](uint64_t i) { return composed(in, i); }, batch, seconds, d);
      const double ours = clips_per_second([&](uint64_t i) { return fused(in, i, d); }, batch, seconds, d);
      std::printf("| %-6s | %5lld | %11.1f | %12.1f | %5.2f | %12.2g |\n", d.is_cuda() ? "cuda" : "cpu",
                  static_cast<long long>(batch), base, ours, ours / base, diff);
    }
  if (devices.empty() || !devices.back().is_cuda()) {
    std::printf("\ncuda: not measured (no usable GPU, or no CUDA kernels in this build)\n");
    return cuda_only ? 1 : 0;
  }
  return 0;
}
