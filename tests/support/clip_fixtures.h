// Generated video clips for the video operator tests.
#pragma once

#include <ATen/ATen.h>

#include <cstdint>

namespace avflow::test {

// uint8 [T, H, W, 3] whose pixels say where they are: R = y, G = x, B = t
// (H, W <= 256), so a crop or flip can be read back from the output.
inline at::Tensor coordinate_clip(int64_t T, int64_t H, int64_t W) {
  auto y = at::arange(H, at::kLong).view({1, H, 1}).expand({T, H, W});
  auto x = at::arange(W, at::kLong).view({1, 1, W}).expand({T, H, W});
  auto t = at::arange(T, at::kLong).view({T, 1, 1}).expand({T, H, W});
  return at::stack({y, x, t}, 3).to(at::kByte).contiguous();
}

// uint8 [T, H, W, 3] of seeded uniform noise over 0..255.
inline at::Tensor random_clip(int64_t T, int64_t H, int64_t W, uint64_t seed) {
  auto gen = at::make_generator<at::CPUGeneratorImpl>(seed);
  return at::randint(0, 256, {T, H, W, 3}, gen, at::TensorOptions().dtype(at::kByte));
}

// uint8 [T, H, W, 3]: smooth colour gradients that move over time, closer to
// real frames than noise (jitter's clamping and contrast mean both matter).
inline at::Tensor gradient_clip(int64_t T, int64_t H, int64_t W, double phase) {
  auto y = at::arange(H, at::kDouble).view({1, H, 1}) / static_cast<double>(H);
  auto x = at::arange(W, at::kDouble).view({1, 1, W}) / static_cast<double>(W);
  auto t = at::arange(T, at::kDouble).view({T, 1, 1}) / static_cast<double>(T);
  auto r = 0.5 + 0.5 * at::sin(6.0 * x + 3.0 * t + phase);
  auto g = 0.5 + 0.5 * at::cos(5.0 * y - 2.0 * t + 2 * phase);
  auto b = (x * y + 0.3 * t).fmod(1.0);
  return (at::stack({r.expand({T, H, W}), g.expand({T, H, W}), b.expand({T, H, W})}, 3) * 255.0)
      .round()
      .clamp(0, 255)
      .to(at::kByte)
      .contiguous();
}

}  // namespace avflow::test
