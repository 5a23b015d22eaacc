// The CUDA kernel's per-pixel code (clip_pixel.h is __host__ __device__) run
// on the host over every output pixel must give what the CPU path gives. It
// checks the kernel's indexing, flip, step order and contrast mean on any
// machine; clip_augment_cuda_test.cpp checks the kernel itself on a GPU.
#include <ATen/ATen.h>

#include <catch2/catch.hpp>

#include "libs/video/clip_augment_run.h"
#include "libs/video/clip_draws.h"
#include "libs/video/clip_pixel.h"
#include "tests/support/clip_fixtures.h"

using namespace avflow::video;
using namespace avflow::test;

TEST_CASE("the CUDA kernel's pixel code agrees with the CPU path", "[video][augment][cuda]") {
  const int64_t B = 6, T = 3, H = 30, W = 44, crop = 20;
  std::vector<at::Tensor> list;
  for (int64_t b = 0; b < B; ++b) list.push_back(gradient_clip(T, H, W, 0.7 * static_cast<double>(b)));
  at::Tensor clips = at::stack(list).contiguous();
  std::vector<ClipPlan> plans;
  for (int64_t b = 0; b < B; ++b)
    plans.push_back(make_clip_plan(draw_crop(5, 0, b, "random", H, W, crop), b % 2 == 0, draw_jitter(5, 0, b, 0.9)));
  Normalisation norm{{0.4f, 0.4f, 0.4f}, {4.f, 4.f, 4.f}};
  at::Tensor cpu = run_clip_augment(clips, plans, crop, norm, at::kCPU);

  // The kernel's two phases, one "thread" at a time.
  at::Tensor out = at::empty_like(cpu), means = at::zeros({B * T});
  ClipAugmentArgs a;
  a.in = clips.data_ptr<uint8_t>();
  a.out = out.data_ptr<float>();
  a.plans = plans.data();
  a.frame_mean_grey = means.data_ptr<float>();
  a.B = B, a.T = T, a.H = H, a.W = W, a.crop = crop;
  for (int c = 0; c < 3; ++c) a.mean[c] = norm.mean[c], a.inv_std[c] = norm.inv_std[c];
  for (int64_t b = 0; b < B; ++b)
    for (int64_t t = 0; t < T; ++t) {
      if (plans[b].contrast_at < 0) continue;
      double sum = 0;
      for (int64_t i = 0; i < crop * crop; ++i) sum += grey_before_contrast(a, plans[b], b, t, i / crop, i % crop);
      a.frame_mean_grey[b * T + t] = static_cast<float>(sum / (crop * crop));
    }
  for (int64_t b = 0; b < B; ++b)
    for (int64_t t = 0; t < T; ++t)
      for (int64_t y = 0; y < crop; ++y)
        for (int64_t x = 0; x < crop; ++x) augment_pixel(a, plans[b], b, t, y, x);
  CHECK((out - cpu).abs().max().item<float>() < 1e-5f);
}
