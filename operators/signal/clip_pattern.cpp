// clip_pattern: a source of synthetic uint8 RGB clips [T, H, W, 3] (a colour
// gradient with a bright square that moves across it), for trying video
// graphs before real media are at hand, and for benchmarks.
//
//   [[node]]
//   name = "clips"
//   op = "clip_pattern"
//   count = 16            # clips, then end of stream (0: endless)
//   frames = 16
//   height = 190
//   width = 338
//   seed = 0
//
// Clip m continues the motion of clip m - 1, as if cut from one long video;
// the palette comes from the seed. The same (seed, m) always gives the same clip.
#include <ATen/ATen.h>

#include <cmath>

#include "engine/operator.h"
#include "engine/payloads/tensor.h"
#include "engine/registry.h"
#include "libs/random/item_random.h"

namespace avflow::ops {

using namespace avflow::random;

class ClipPattern final : public Operator {
 public:
  static inline const Out<Tensor> kClip{"clip", "uint8 RGB frames [T, H, W, 3]"};
  static inline const Param<int64_t> kCount{"count", 16, Range::at_least(0), "clips to emit; 0 = endless"};
  static inline const Param<int64_t> kFrames{"frames", 16, Range{1, 4096}, "frames per clip (T)"};
  static inline const Param<int64_t> kHeight{"height", 190, Range{8, 4096}, "frame height in pixels"};
  static inline const Param<int64_t> kWidth{"width", 338, Range{8, 4096}, "frame width in pixels"};
  static inline const Param<int64_t> kSeed{"seed", 0, "palette seed"};
  AVFLOW_CONTRACT(kClip, kCount, kFrames, kHeight, kWidth, kSeed);

  void open(Context& ctx) override {
    count_ = ctx.param(kCount);
    if (count_ > 0) ctx.expect_items(static_cast<uint64_t>(count_));
    ItemRandom rng(static_cast<uint64_t>(ctx.param(kSeed)), 0, 0, "palette");
    for (double& c : palette_) c = rng.uniform(0.2, 1.0);
  }

  void process(Context& ctx) override {
    if (count_ > 0 && next_ >= count_) return ctx.end_of_stream();
    const int64_t m = next_++;
    const int64_t T = ctx.param(kFrames), H = ctx.param(kHeight), W = ctx.param(kWidth);
    auto y = at::arange(H, at::kFloat).view({1, H, 1}) / static_cast<float>(H);
    auto x = at::arange(W, at::kFloat).view({1, 1, W}) / static_cast<float>(W);
    auto t = (at::arange(T, at::kFloat) + static_cast<float>(m * T)).view({T, 1, 1});
    // The square's centre bounces along a Lissajous path, one period per 40 frames.
    auto cx = 0.5 + 0.35 * at::sin(t * (2 * M_PI / 40.0));
    auto cy = 0.5 + 0.35 * at::sin(t * (2 * M_PI / 29.0));
    auto inside = ((x - cx).abs() < 0.08) & ((y - cy).abs() < 0.12);
    std::vector<at::Tensor> channels;
    for (int c = 0; c < 3; ++c) {
      auto background = palette_[c] * (0.35 + 0.4 * (c == 0 ? x : c == 1 ? y : (x + y) * 0.5)).expand({T, H, W});
      channels.push_back(at::where(inside, at::full({}, 1.0 - 0.5 * palette_[c], at::kFloat), background));
    }
    ctx.emit(kClip, Tensor((at::stack(channels, 3) * 255.0).round().clamp(0, 255).to(at::kByte).contiguous()));
  }

 private:
  int64_t count_ = 0, next_ = 0;
  double palette_[3] = {1.0, 1.0, 1.0};
};

AVFLOW_REGISTER(ClipPattern, "clip_pattern", "synthetic uint8 clips: a moving square over a seeded colour gradient");

}  // namespace avflow::ops
