// The media of one demo data set clip (demo_datasets.h): class k of C, its
// look and sound drawn from a clip seed.
#pragma once

#include <cstdint>
#include <vector>

namespace avflow::demo {

struct DemoClip {
  int label = 0, classes = 2;
  // The class whose hue, tint, pitch and pulse the clip takes: its own label,
  // or (motion only) another drawn per clip, so that only the direction of
  // its drift tells its class.
  int look = 0;
  // Drawn from the clip seed.
  double x0 = 0, y0 = 0;      // start of the square's centre, in [0, 1)
  double size = 40;           // square side, pixels
  double backdrop = 30;       // backdrop grey level
  double noise = 6;           // pixel noise spread
  double loudness = 0.3;      // tone amplitude
  uint64_t seed = 0;

  static DemoClip draw(int label, int classes, uint64_t seed, bool motion_only = false);
};

inline constexpr int kDemoClipWidth = 160, kDemoClipHeight = 120, kDemoClipFps = 25;

// Frame `k` as RGB bytes, kDemoClipWidth x kDemoClipHeight.
std::vector<uint8_t> render_demo_frame(const DemoClip& clip, int64_t k);
// Mono samples [first, first + count) at `rate`: the class's tone, pulsing
// at the class's rate, plus a little noise.
std::vector<float> render_demo_audio(const DemoClip& clip, int64_t first, int64_t count, int rate);

}  // namespace avflow::demo
