#include "libs/demo/demo_render.h"

#include <algorithm>
#include <cmath>
#include <numbers>

#include "libs/demo/demo_arrow_of_time.h"
#include "libs/random/item_random.h"

namespace avflow::demo {

namespace {

constexpr double kTwoPi = 2 * std::numbers::pi;
constexpr double kFrameS = 1.0 / kFps;
constexpr int64_t kClickSamples = kSampleRate / 20;  // 50 ms

void put(uint8_t* rgb, int x, int y, Rgb c) {
  uint8_t* p = rgb + (static_cast<size_t>(y) * kWidth + static_cast<size_t>(x)) * 3;
  p[0] = c.r, p[1] = c.g, p[2] = c.b;
}

// Where (u, v), in the character's own unit frame, lies relative to its
// outline: below 1 inside, 1 on it.
double outline_measure(const Character& ch, double u, double v) {
  const double rho = std::sqrt(u * u + v * v);
  if (ch.sides == 0) return rho;
  const double sector = kTwoPi / ch.sides;
  const double phi = std::atan2(v, u) + std::numbers::pi / 2;  // a vertex points up
  const double local = phi - sector * std::floor(phi / sector) - sector / 2;
  return rho * std::cos(local) / std::cos(std::numbers::pi / ch.sides);
}

Rgb character_pixel(const Character& ch, double u, double v, double m) {
  if (m > 0.86) return scale(ch.mark, 0.6);  // the outline
  for (double ex : {-0.32, 0.32}) {          // the eyes
    const double du = u - ex, dv = v + 0.3;
    const double d2 = du * du + dv * dv;
    if (d2 < 0.09 * 0.09) return {20, 20, 28};
    if (d2 < 0.2 * 0.2) return {245, 245, 240};
  }
  const int b = ch.bands;
  bool marked = false;
  switch (ch.pattern) {
    case Pattern::stripes: marked = static_cast<int>(std::floor((u + 1) * b)) % 2 != 0; break;
    case Pattern::rings: marked = static_cast<int>(std::floor(m * b * 1.5)) % 2 != 0; break;
    case Pattern::checks:
      marked = (static_cast<int>(std::floor((u + 1) * b)) + static_cast<int>(std::floor((v + 1) * b))) % 2 != 0;
      break;
  }
  return marked ? ch.mark : ch.body;
}

void draw_object(const DemoTitle& t, const Scene& s, const ObjectState& o, uint8_t* rgb) {
  const Character& ch = t.artifacts.character;
  const double ry = s.radius, rx = s.character ? s.radius * ch.aspect : s.radius;
  const int reach = static_cast<int>(std::ceil(std::max(rx, ry))) + 1;
  const double c = std::cos(o.angle), sn = std::sin(o.angle);
  const int x0 = std::max(0, static_cast<int>(o.x) - reach), x1 = std::min(kWidth - 1, static_cast<int>(o.x) + reach);
  const int y0 = std::max(0, static_cast<int>(o.y) - reach), y1 = std::min(kHeight - 1, static_cast<int>(o.y) + reach);
  for (int py = y0; py <= y1; ++py) {
    for (int px = x0; px <= x1; ++px) {
      const double dx = px + 0.5 - o.x, dy = py + 0.5 - o.y;
      if (s.character) {
        const double u = (dx * c + dy * sn) / rx, v = (-dx * sn + dy * c) / ry;
        const double m = outline_measure(ch, u, v);
        if (m <= 1.0) put(rgb, px, py, character_pixel(ch, u, v, m));
      } else {
        const double d = std::hypot(dx, dy) / ry;
        if (d > 1.0) continue;
        const double hx = dx / ry + 0.35, hy = dy / ry + 0.35;  // a highlight up and left
        put(rgb, px, py, scale(t.artifacts.palette.prop, 1.0 - 0.35 * std::min(1.0, std::hypot(hx, hy))));
      }
    }
  }
}

double tone_level(const DemoTitle& t, int64_t k) {
  const Scene& s = t.scene_at(k);
  const double speed = t.track[static_cast<size_t>(k)].speed;
  return std::min(0.4, (0.05 + 0.2 * std::min(1.0, speed / 350.0)) * (s.radius / 18.0)) * dusk_light(t, k);
}

// The noise of impact i, its first n samples.
std::vector<float> click_noise(const DemoTitle& t, const Impact& i, int64_t n) {
  random::ItemRandom rng(t.seed, name_key(t.ref.id), static_cast<uint64_t>(i.index), "click");
  std::vector<float> v(static_cast<size_t>(n));
  for (float& x : v) x = static_cast<float>(rng.uniform(-1, 1));
  return v;
}

}  // namespace

void render_frame(const DemoTitle& t, int64_t k, uint8_t* rgb) {
  const Scene& s = t.scene_at(k);
  const Palette& p = t.artifacts.palette;
  const double light = dusk_light(t, k);
  for (int y = 0; y < kHeight; ++y) {
    const Rgb c = y < kFloorY ? evening_sky(t, k, mix(p.backdrop[static_cast<size_t>(s.backdrop)],
                                                      p.backdrop[static_cast<size_t>(s.backdrop + 1)], y / double(kFloorY)))
                              : (y == kFloorY ? scale(p.floor, 0.6) : p.floor);
    const Rgb lit = scale(c, light);
    for (int x = 0; x < kWidth; ++x) put(rgb, x, y, lit);
  }
  draw_stars(t, k, rgb);
  for (const Prop& pr : s.props) {
    const Rgb lit = scale(pr.colour, light);
    for (int y = std::max(0, pr.y0); y < std::min(kFloorY, pr.y1); ++y)
      for (int x = std::max(0, pr.x0); x < std::min(kWidth, pr.x1); ++x) put(rgb, x, y, lit);
  }
  draw_ripples(t, k, rgb);
  draw_object(t, s, t.track[static_cast<size_t>(k)], rgb);
}

std::vector<uint8_t> render_frame(const DemoTitle& t, int64_t k) {
  std::vector<uint8_t> rgb(static_cast<size_t>(kWidth) * kHeight * 3);
  render_frame(t, k, rgb.data());
  return rgb;
}

void render_audio(const DemoTitle& t, int64_t first, int64_t count, float* out) {
  std::fill(out, out + count * kChannels, 0.0f);
  const int64_t end = std::min(first + count, t.samples());
  const Theme& theme = t.artifacts.theme;
  const double hsum = theme.harmonics[0] + theme.harmonics[1] + theme.harmonics[2];
  const double theme_s = theme.seconds();
  for (int64_t n = std::max<int64_t>(first, 0); n < end;) {
    const int64_t k = n / kSamplesPerFrame;
    const int64_t frame_end = std::min(end, (k + 1) * kSamplesPerFrame);
    const Scene& s = t.scene_at(k);
    const bool next_same = k + 1 < s.end_frame;
    const size_t ku = static_cast<size_t>(k), kn = next_same ? ku + 1 : ku;
    const double f0 = t.tone_hz[ku];
    const double f1 = ku + 1 < t.tone_hz.size() ? t.tone_hz[ku + 1] : f0;  // as the phase was integrated
    const double a0 = tone_level(t, k), a1 = tone_level(t, static_cast<int64_t>(kn));
    const double x0 = t.track[ku].x, x1 = t.track[kn].x;
    const double scene_start = static_cast<double>(s.first_frame) * kFrameS;
    const double scene_end = static_cast<double>(s.end_frame) * kFrameS;
    for (; n < frame_end; ++n) {
      float* o = out + (n - first) * kChannels;
      const double tau = static_cast<double>(n - k * kSamplesPerFrame) / kSampleRate;
      const double w = tau / kFrameS;
      const double time = static_cast<double>(n) / kSampleRate;
      // The object's tone, faded in and out over 20 ms at the scene's edges.
      const double phase = t.tone_phase[ku] + f0 * tau + (f1 - f0) * tau * tau / (2 * kFrameS);
      const double edge = std::min({1.0, (time - scene_start) / 0.02, (scene_end - time) / 0.02});
      const double tone = (a0 + (a1 - a0) * w) * edge *
                          (std::sin(kTwoPi * phase) + 0.3 * std::sin(2 * kTwoPi * phase)) / 1.3;
      const double pan = std::clamp((x0 + (x1 - x0) * w) / kWidth, 0.0, 1.0) * std::numbers::pi / 2;
      double left = tone * std::cos(pan), right = tone * std::sin(pan);
      // The theme tune at the scene's start.
      const double ts = time - scene_start;
      if (ts < theme_s) {
        const size_t note = std::min(theme.notes_hz.size() - 1, static_cast<size_t>(ts / theme.note_s));
        const double tn = ts - static_cast<double>(note) * theme.note_s;
        const double env = std::min({1.0, tn / 0.01, (theme.note_s - tn) / 0.01}) * std::exp(-4.0 * tn);
        const double f = theme.notes_hz[note];
        double v = 0;
        for (int h = 0; h < 3; ++h) v += theme.harmonics[static_cast<size_t>(h)] * std::sin(kTwoPi * (h + 1) * f * tn);
        left += 0.25 * env * v / hsum;
        right += 0.25 * env * v / hsum;
      }
      o[0] = static_cast<float>(left);
      o[1] = static_cast<float>(right);
    }
  }
  // Clicks: every impact whose 50 ms overlaps the span.
  auto it = std::lower_bound(t.impacts.begin(), t.impacts.end(), (first - kClickSamples) / kSamplesPerFrame,
                             [](const Impact& i, int64_t f) { return i.frame < f; });
  for (; it != t.impacts.end() && it->frame * kSamplesPerFrame < end; ++it) {
    const int64_t start = it->frame * kSamplesPerFrame;
    const int64_t from = std::max(first, start), to = std::min(end, start + kClickSamples);
    if (from >= to) continue;
    const std::vector<float> noise = click_noise(t, *it, to - start);
    const double pan = std::clamp(it->x / kWidth, 0.0, 1.0) * std::numbers::pi / 2;
    for (int64_t n = from; n < to; ++n) {
      const double tc = static_cast<double>(n - start) / kSampleRate;
      const double v = it->strength * (0.55 * noise[static_cast<size_t>(n - start)] * std::exp(-tc / 0.005) +
                                       0.45 * std::sin(kTwoPi * 140 * tc) * std::exp(-tc / 0.025));
      float* o = out + (n - first) * kChannels;
      o[0] = static_cast<float>(o[0] + v * std::cos(pan) * 1.2);
      o[1] = static_cast<float>(o[1] + v * std::sin(pan) * 1.2);
    }
  }
  add_ring_outs(t, first, count, out);
  add_rain(t, first, count, out);
  for (int64_t i = 0; i < count * kChannels; ++i) out[i] = std::clamp(out[i], -1.0f, 1.0f);
}

std::vector<float> render_audio(const DemoTitle& t, int64_t first, int64_t count) {
  std::vector<float> v(static_cast<size_t>(count) * kChannels);
  render_audio(t, first, count, v.data());
  return v;
}

}  // namespace avflow::demo
