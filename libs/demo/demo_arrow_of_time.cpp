#include "libs/demo/demo_arrow_of_time.h"

#include <algorithm>
#include <array>
#include <cmath>
#include <numbers>

namespace avflow::demo {

namespace {

constexpr double kTwoPi = 2 * std::numbers::pi;
constexpr int64_t kRippleFrames = static_cast<int64_t>(kRippleSeconds * kFps);
constexpr int64_t kRingSamples = static_cast<int64_t>(kRingSeconds * kSampleRate);
constexpr double kRippleHalfWidth = 3.0;  // pixels
constexpr Rgb kRippleColour{245, 245, 235};

// A struck bar's partials: frequency ratios, levels and decay times (s);
// the higher partials die first, as they do in a bell.
constexpr std::array<double, 3> kPartialRatio = {1.0, 2.76, 5.40};
constexpr std::array<double, 3> kPartialLevel = {1.0, 0.5, 0.25};
constexpr std::array<double, 3> kPartialDecay = {0.45, 0.25, 0.12};

// The impacts whose frame lies in [from, to], in order.
std::pair<std::vector<Impact>::const_iterator, std::vector<Impact>::const_iterator> impacts_between(
    const DemoTitle& t, int64_t from, int64_t to) {
  auto by_frame = [](const Impact& i, int64_t f) { return i.frame < f; };
  auto first = std::lower_bound(t.impacts.begin(), t.impacts.end(), from, by_frame);
  auto last = std::lower_bound(first, t.impacts.end(), to + 1, by_frame);
  return {first, last};
}

// A uniform draw in [-1, 1) from (key, n): splitmix64's finaliser.
double noise_at(uint64_t key, uint64_t n) {
  uint64_t z = key + n * 0x9e3779b97f4a7c15ull;
  z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
  z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
  z ^= z >> 31;
  return static_cast<double>(z >> 11) * 0x1.0p-52 - 1.0;
}

}  // namespace

Rgb evening_sky(const DemoTitle& t, int64_t k, Rgb c) {
  if (!t.arrow_of_time) return c;
  return mix(c, kEvening,
             kEveningMix * static_cast<double>(k) / static_cast<double>(std::max<int64_t>(1, t.frames - 1)));
}

void draw_stars(const DemoTitle& t, int64_t k, uint8_t* rgb) {
  constexpr Rgb kStar{255, 248, 205};
  for (const Star& star : t.stars) {
    if (star.frame > k) break;
    for (int dy = -2; dy <= 2; ++dy)
      for (int dx = -2; dx <= 2; ++dx) {
        if (std::abs(dx) + std::abs(dy) > 2) continue;  // a cross with a solid core
        const int x = star.x + dx, y = star.y + dy;
        if (x < 0 || x >= kWidth || y < 0 || y >= kHeight) continue;
        uint8_t* p = rgb + (static_cast<size_t>(y) * kWidth + static_cast<size_t>(x)) * 3;
        p[0] = kStar.r, p[1] = kStar.g, p[2] = kStar.b;
      }
  }
}

void add_rain(const DemoTitle& t, int64_t first, int64_t count, float* out) {
  if (!t.arrow_of_time || count <= 0) return;
  const uint64_t key = t.seed * 0x2545f4914f6cdd1dull ^ name_key(t.ref.id);
  const double last = static_cast<double>(std::max<int64_t>(1, t.samples() - 1));
  const int64_t end = std::min(first + count, t.samples());
  for (int64_t n = std::max<int64_t>(first, 0); n < end; ++n) {
    const double level = kRainLevel * static_cast<double>(n) / last;
    float* o = out + (n - first) * kChannels;
    for (int c = 0; c < kChannels; ++c)
      o[c] = static_cast<float>(o[c] + level * noise_at(key, static_cast<uint64_t>(n) * kChannels + static_cast<uint64_t>(c)));
  }
}

double dusk_light(const DemoTitle& t, int64_t k) {
  if (!t.arrow_of_time) return 1.0;
  const Scene& s = t.scene_at(k);
  const int64_t span = std::max<int64_t>(1, s.end_frame - 1 - s.first_frame);
  return 1.0 - (1.0 - kDuskLight) * static_cast<double>(k - s.first_frame) / static_cast<double>(span);
}

void draw_ripples(const DemoTitle& t, int64_t k, uint8_t* rgb) {
  if (!t.arrow_of_time) return;
  const Scene& s = t.scene_at(k);  // a cut ends the scene's ripples
  const auto [begin, end] = impacts_between(t, std::max(s.first_frame, k - kRippleFrames + 1), k);
  for (auto it = begin; it != end; ++it) {
    const double age = static_cast<double>(k - it->frame) / kFps;
    const ObjectState& hit = t.track[static_cast<size_t>(it->frame)];  // where the object touched
    const double cx = hit.x, cy = hit.y;
    const double object = s.character ? s.radius * std::max(1.0, t.artifacts.character.aspect) : s.radius;
    const double radius = object + kRippleHalfWidth + 40.0 * age;  // born around the object, 40 px/s
    const double fade = 1.0 - age / kRippleSeconds;
    const double alpha = (0.35 + 0.55 * it->strength) * fade * fade;
    const double reach = radius + kRippleHalfWidth;
    const int x0 = std::max(0, static_cast<int>(std::floor(cx - reach)));
    const int x1 = std::min(kWidth - 1, static_cast<int>(std::ceil(cx + reach)));
    const int y0 = std::max(0, static_cast<int>(std::floor(cy - reach)));
    const int y1 = std::min(kHeight - 1, static_cast<int>(std::ceil(cy + reach)));
    for (int y = y0; y <= y1; ++y) {
      for (int x = x0; x <= x1; ++x) {
        const double off = std::abs(std::hypot(x + 0.5 - cx, y + 0.5 - cy) - radius);
        const double cover = std::clamp(kRippleHalfWidth - off, 0.0, 1.0);  // soft edges
        if (cover <= 0) continue;
        uint8_t* p = rgb + (static_cast<size_t>(y) * kWidth + static_cast<size_t>(x)) * 3;
        const Rgb blended = mix({p[0], p[1], p[2]}, kRippleColour, alpha * cover);
        p[0] = blended.r, p[1] = blended.g, p[2] = blended.b;
      }
    }
  }
}

void add_ring_outs(const DemoTitle& t, int64_t first, int64_t count, float* out) {
  if (!t.arrow_of_time || count <= 0) return;
  const int64_t end = first + count;
  const double pitch = 3.0 * t.artifacts.theme.base_hz;  // the title's own bell
  const auto [begin, last] =
      impacts_between(t, (first - kRingSamples) / kSamplesPerFrame, (end - 1) / kSamplesPerFrame);
  for (auto it = begin; it != last; ++it) {
    const int64_t start = it->frame * kSamplesPerFrame;
    const int64_t from = std::max(first, start), to = std::min(end, start + kRingSamples);
    const double level = 0.6 * (0.3 + 0.7 * it->strength);
    const double pan = std::clamp(it->x / kWidth, 0.0, 1.0) * std::numbers::pi / 2;
    for (int64_t n = from; n < to; ++n) {
      const double tc = static_cast<double>(n - start) / kSampleRate;
      const double edge = std::min({1.0, tc / 0.003, (kRingSeconds - tc) / 0.1});  // attack, and a fade at the end
      double v = 0;
      for (size_t p = 0; p < kPartialRatio.size(); ++p)
        v += kPartialLevel[p] * std::exp(-tc / kPartialDecay[p]) * std::sin(kTwoPi * kPartialRatio[p] * pitch * tc);
      v *= level * edge / 1.75;
      float* o = out + (n - first) * kChannels;
      o[0] = static_cast<float>(o[0] + v * std::cos(pan));
      o[1] = static_cast<float>(o[1] + v * std::sin(pan));
    }
  }
}

}  // namespace avflow::demo
