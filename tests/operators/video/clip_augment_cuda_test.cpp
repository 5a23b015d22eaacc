// CPU and CUDA paths of the video augmentation agree. Skips, saying so, where
// no GPU is usable; scripts/gpu-check.sh runs it on the GPU machine.
#include <ATen/ATen.h>

#include <catch2/catch.hpp>

#include "tests/support/clip_fixtures.h"
#include "tests/support/tensor_feed.h"

using namespace avflow::test;

TEST_CASE("clip_augment on CUDA matches the CPU path", "[video][augment][cuda]") {
  if (!at::hasCUDA()) {
    WARN("CUDA not available: the CPU/CUDA agreement of clip_augment is not checked here");
    return;
  }
  std::vector<at::Tensor> in;
  for (int i = 0; i < 8; ++i) in.push_back(gradient_clip(16, 190, 253, 0.4 * i));
  in.push_back(at::stack({gradient_clip(16, 190, 253, 9), random_clip(16, 190, 253, 1)}));
  for (const char* sigma : {"0.0", "0.5", "1.0"}) {
    const std::string params = "crop = 158\nseed = 21\nsigma = " + std::string(sigma);
    auto cpu = run_tensor_op("clip_augment", params, in);
    auto gpu = run_tensor_op("clip_augment", params + "\ndevice = \"cuda\"", in);
    for (size_t i = 0; i < in.size(); ++i) {
      REQUIRE(gpu[i].is_cuda());
      // Same formulas; the GPU may fuse multiply-adds and sums the contrast
      // mean in another order: bounded by 1e-4 on values of size ~5.
      CHECK((gpu[i].cpu() - cpu[i]).abs().max().item<float>() < 1e-4f);
    }
  }
}

TEST_CASE("the single-step video operators give the same result on CUDA tensors", "[video][cuda]") {
  if (!at::hasCUDA()) {
    WARN("CUDA not available: single-step video operators on CUDA tensors are not checked here");
    return;
  }
  std::vector<at::Tensor> in, in_gpu;
  for (int i = 0; i < 4; ++i) {
    in.push_back(gradient_clip(8, 240, 320, 0.3 * i));
    in_gpu.push_back(in.back().cuda());
  }
  const std::vector<OpStep> chain = {{"resize", "short_side = 190"},
                                     {"random_crop", "size = 158\nseed = 2"},
                                     {"flip", "seed = 2"},
                                     {"color_jitter", "sigma = 0.5\nseed = 2"},
                                     {"normalize", ""}};
  auto cpu = run_tensor_chain(chain, in);
  auto gpu = run_tensor_chain(chain, in_gpu);
  // resize rounds to uint8 and may land one step apart (the GPU sums the
  // antialiasing taps in another order). colour_jitter then multiplies that
  // step by its brightness, contrast and saturation factors, each at most
  // 1 + sigma = 1.5, and rounds to uint8 again: at most 1.5^3 + 1 steps,
  // which normalisation divides by 255 and by the smallest std (0.217).
  // (Seen on an H200: 0.054, three steps.)
  const float bound = static_cast<float>((1.5 * 1.5 * 1.5 + 1.0) / 255.0 / 0.216989);
  for (size_t i = 0; i < in.size(); ++i) {
    REQUIRE(gpu[i].is_cuda());
    CHECK((gpu[i].cpu() - cpu[i]).abs().max().item<float>() <= bound);
  }
}
