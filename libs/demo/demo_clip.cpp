#include "libs/demo/demo_clip.h"

#include <algorithm>
#include <cmath>
#include <random>

namespace avflow::demo {

namespace {

constexpr double kPi = 3.14159265358979323846;

// HSV (s = v = 1) to RGB, h in [0, 1).
void hue_rgb(double h, double rgb[3]) {
  const double x = h * 6.0;
  const int i = static_cast<int>(x) % 6;
  const double f = x - std::floor(x);
  const double table[6][3] = {{1, f, 0}, {1 - f, 1, 0}, {0, 1, f}, {0, 1 - f, 1}, {f, 0, 1}, {1, 0, 1 - f}};
  for (int c = 0; c < 3; ++c) rgb[c] = table[i][c];
}

// Bounces a coordinate in [0, 1] off the walls.
double reflect(double v) {
  v = std::fmod(std::fabs(v), 2.0);
  return v > 1.0 ? 2.0 - v : v;
}

// A small integer hash: per-pixel noise that depends on (seed, frame, pixel).
uint32_t mix(uint64_t v) {
  v ^= v >> 33;
  v *= 0xff51afd7ed558ccdULL;
  v ^= v >> 33;
  v *= 0xc4ceb9fe1a85ec53ULL;
  return static_cast<uint32_t>(v ^ (v >> 33));
}

}  // namespace

DemoClip DemoClip::draw(int label, int classes, uint64_t seed, bool motion_only) {
  std::mt19937_64 rng(seed * 0x9e3779b97f4a7c15ULL + static_cast<uint64_t>(label) + 1);
  std::uniform_real_distribution<double> u(0.0, 1.0);
  DemoClip c;
  c.label = label;
  c.classes = classes;
  c.seed = seed;
  c.x0 = u(rng);
  c.y0 = u(rng);
  c.size = 30 + 20 * u(rng);
  c.backdrop = 25 + 40 * u(rng);
  c.noise = 3 + 8 * u(rng);
  c.loudness = 0.15 + 0.25 * u(rng);
  c.look = motion_only ? static_cast<int>(u(rng) * classes) % classes : label;
  return c;
}

std::vector<uint8_t> render_demo_frame(const DemoClip& clip, int64_t k) {
  const int w = kDemoClipWidth, h = kDemoClipHeight;
  std::vector<uint8_t> rgb(static_cast<size_t>(w) * h * 3);
  double colour[3];
  hue_rgb(static_cast<double>(clip.look) / clip.classes, colour);
  // The class's direction; one crossing of the frame in about 2 s.
  const double angle = 2 * kPi * clip.label / clip.classes;
  const double t = static_cast<double>(k) / kDemoClipFps;
  const double cx = reflect(clip.x0 + 0.5 * t * std::cos(angle)) * (w - clip.size) + clip.size / 2;
  const double cy = reflect(clip.y0 + 0.5 * t * std::sin(angle)) * (h - clip.size) + clip.size / 2;
  for (int y = 0; y < h; ++y)
    for (int x = 0; x < w; ++x) {
      const bool inside = std::fabs(x - cx) <= clip.size / 2 && std::fabs(y - cy) <= clip.size / 2;
      const uint32_t r = mix(clip.seed ^ (static_cast<uint64_t>(k) << 32) ^ static_cast<uint64_t>(y * w + x));
      const double n = ((r & 0xff) / 255.0 - 0.5) * 2 * clip.noise;
      for (int c = 0; c < 3; ++c) {
        // The backdrop is tinted towards the class's hue too, so the class shows in every pixel.
        const double v = (inside ? 40 + 200 * colour[c] : clip.backdrop * (0.5 + 0.8 * colour[c])) + n;
        rgb[(static_cast<size_t>(y) * w + x) * 3 + c] = static_cast<uint8_t>(std::clamp(v, 0.0, 255.0));
      }
    }
  return rgb;
}

std::vector<float> render_demo_audio(const DemoClip& clip, int64_t first, int64_t count, int rate) {
  // Two octaves of pitches from 220 Hz; pulses from 2 to 6 per second.
  const double pitch = 220.0 * std::pow(4.0, static_cast<double>(clip.look) / clip.classes);
  const double pulses = 2.0 + 4.0 * clip.look / clip.classes;
  std::vector<float> out(static_cast<size_t>(count));
  for (int64_t i = 0; i < count; ++i) {
    const double t = static_cast<double>(first + i) / rate;
    const double envelope = 0.5 + 0.5 * std::cos(2 * kPi * pulses * t);
    const uint32_t r = mix(clip.seed * 31 + static_cast<uint64_t>(first + i));
    const double noise = ((r & 0xffff) / 65535.0 - 0.5) * 0.02;
    out[static_cast<size_t>(i)] = static_cast<float>(clip.loudness * envelope * std::sin(2 * kPi * pitch * t) + noise);
  }
  return out;
}

}  // namespace avflow::demo
