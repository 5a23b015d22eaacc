// A demo title with an arrow of time: night falls over it (stars, rain),
// scenes fade to dusk, impacts ripple and ring out; the plan (scenes,
// motion, impacts) is the one without.
#include <algorithm>
#include <catch2/catch.hpp>
#include <cmath>
#include <map>
#include <tuple>
#include <vector>

#include "libs/demo/demo_arrow_of_time.h"
#include "libs/demo/demo_render.h"

using namespace avflow::demo;

namespace {

DemoTitle planned(bool arrow) {
  const auto titles = demo_titles({.seed = 7, .movies = 1, .shows = 0, .episodes = 1, .minutes = 1.0});
  return plan_title(7, titles.at(0), 60, arrow);
}

const Scene& first_scene_of(const DemoTitle& t, int64_t frames) {
  for (const Scene& s : t.scenes)
    if (s.end_frame - s.first_frame >= frames) return s;
  FAIL("no scene of " << frames << " frames");
  return t.scenes.front();
}

// The title with its impacts replaced by `impacts`.
DemoTitle with_impacts(DemoTitle t, std::vector<Impact> impacts) {
  t.impacts = std::move(impacts);
  return t;
}

// What a ripple changed in a frame: how opaque it was at most, and where.
struct FrameChange {
  double opacity = 0;      // the largest blend weight towards the ripple's red (245) seen
  double mean_radius = 0;  // the changed pixels' mean distance from a centre
  int pixels = 0;
};

FrameChange change(const std::vector<uint8_t>& before, const std::vector<uint8_t>& after, double cx, double cy) {
  FrameChange c;
  double radius = 0;
  for (int y = 0; y < kHeight; ++y)
    for (int x = 0; x < kWidth; ++x) {
      const size_t i = (static_cast<size_t>(y) * kWidth + static_cast<size_t>(x)) * 3;
      if (before[i] == after[i] && before[i + 1] == after[i + 1] && before[i + 2] == after[i + 2]) continue;
      ++c.pixels;
      radius += std::hypot(x + 0.5 - cx, y + 0.5 - cy);
      const int room = 245 - before[i];  // the red channel's way to the ripple's colour
      if (room >= 40) c.opacity = std::max(c.opacity, double(after[i] - before[i]) / room);
    }
  if (c.pixels) c.mean_radius = radius / c.pixels;
  return c;
}

double rms(const std::vector<float>& v, size_t from, size_t to) {
  double s = 0;
  for (size_t i = from; i < to; ++i) s += double(v[i]) * v[i];
  return std::sqrt(s / static_cast<double>(to - from));
}

Rgb commonest_colour_in_row(const std::vector<uint8_t>& rgb, int row) {
  std::map<std::tuple<int, int, int>, int> counts;
  for (int x = 0; x < kWidth; ++x) {
    const size_t i = (static_cast<size_t>(row) * kWidth + static_cast<size_t>(x)) * 3;
    ++counts[{rgb[i], rgb[i + 1], rgb[i + 2]}];
  }
  const auto best = std::max_element(counts.begin(), counts.end(),
                                     [](const auto& a, const auto& b) { return a.second < b.second; });
  const auto [r, g, b] = best->first;
  return {static_cast<uint8_t>(r), static_cast<uint8_t>(g), static_cast<uint8_t>(b)};
}

}  // namespace

TEST_CASE("an arrow of time changes the picture and the sound, not the plan", "[media][demo]") {
  const DemoTitle plain = planned(false), arrow = planned(true);
  REQUIRE(plain.impacts.size() > 10);
  CHECK(plain.scenes.size() == arrow.scenes.size());
  CHECK(plain.track.size() == arrow.track.size());
  CHECK(plain.track[300].x == arrow.track[300].x);
  CHECK(plain.impacts.size() == arrow.impacts.size());
  CHECK(plain.tone_hz == arrow.tone_hz);
  CHECK(plain.stars.empty());
  const Scene& s = first_scene_of(plain, 60);
  CHECK(render_frame(plain, s.end_frame - 1) != render_frame(arrow, s.end_frame - 1));
  const auto whole = render_audio(arrow, 0, arrow.samples());
  CHECK(render_audio(plain, 0, plain.samples()) != whole);
  // Still a pure function of the sample: a span renders as inside the whole.
  const auto span = render_audio(arrow, 123457, 9000);
  CHECK(std::equal(span.begin(), span.end(), whole.begin() + 123457 * kChannels));
}

TEST_CASE("night falls over a title: stars come out one by one and stay, and the rain grows", "[media][demo]") {
  const DemoTitle arrow = with_impacts(planned(true), {});  // no ripples over the stars
  REQUIRE(arrow.stars.size() == static_cast<size_t>(arrow.frames / (3 * kFps)));
  CHECK(std::is_sorted(arrow.stars.begin(), arrow.stars.end(),
                       [](const Star& a, const Star& b) { return a.frame < b.frame; }));
  // Star-coloured pixels: more and more (the object or a prop may hide a few).
  auto starlight = [&](int64_t k) {
    const auto rgb = render_frame(arrow, k);
    int n = 0;
    for (size_t i = 0; i < rgb.size(); i += 3) n += rgb[i] == 255 && rgb[i + 1] == 248 && rgb[i + 2] == 205;
    return n;
  };
  const int early = starlight(arrow.stars.front().frame - 1), middle = starlight(arrow.frames / 2),
            late = starlight(arrow.frames - 1);
  CHECK(early == 0);
  CHECK(middle > early);
  CHECK(late > middle);
  CHECK(late >= 13 * static_cast<int>(arrow.stars.size()) / 2);  // a cross is 13 pixels; most of them show
  // The rain alone: silent at the start, kRainLevel / sqrt(3) (uniform noise) at the end,
  // a different stream in each channel.
  const int64_t second = kSampleRate;
  std::vector<float> start(static_cast<size_t>(second * kChannels)), end(start.size());
  add_rain(arrow, 0, second, start.data());
  add_rain(arrow, arrow.samples() - second, second, end.data());
  CHECK(rms(start, 0, start.size()) < rms(end, 0, end.size()) / 50);
  CHECK(rms(end, 0, end.size()) == Approx(kRainLevel / std::sqrt(3.0)).epsilon(0.05));
  double left_right = 0;
  for (size_t i = 0; i < end.size(); i += 2) left_right += double(end[i]) * end[i + 1];
  CHECK(std::abs(left_right / (end.size() / 2)) < 0.05 * rms(end, 0, end.size()) * rms(end, 0, end.size()));
  std::vector<float> none(start.size());
  add_rain(planned(false), 0, second, none.data());
  CHECK(rms(none, 0, none.size()) == 0.0);
}

TEST_CASE("a scene fades to dusk and the sky turns towards evening over the title", "[media][demo]") {
  const DemoTitle plain = planned(false), arrow = planned(true);
  const Scene& s = first_scene_of(arrow, 60);
  CHECK(dusk_light(arrow, s.first_frame) == 1.0);
  CHECK(dusk_light(arrow, s.end_frame - 1) == Approx(kDuskLight));
  CHECK(dusk_light(plain, s.end_frame - 1) == 1.0);
  // The sky's top row, away from the object and any ripple: its commonest
  // colour is the scene's first sky colour, turned towards evening by the
  // title's progress and dimmed by the scene's light.
  const Rgb sky = arrow.artifacts.palette.backdrop[static_cast<size_t>(s.backdrop)];
  for (int64_t k = s.first_frame; k < s.end_frame; k += 10) {
    INFO("frame " << k);
    const Rgb expected = scale(evening_sky(arrow, k, sky), dusk_light(arrow, k));
    const Rgb seen = commonest_colour_in_row(render_frame(arrow, k), 0);
    CHECK(std::abs(seen.r - expected.r) <= 1);
    CHECK(std::abs(seen.g - expected.g) <= 1);
    CHECK(std::abs(seen.b - expected.b) <= 1);
  }
  CHECK(evening_sky(plain, plain.frames - 1, sky) == sky);
  const Rgb last = evening_sky(arrow, arrow.frames - 1, sky);  // kEveningMix of the way to kEvening
  CHECK(last.r == std::lround(sky.r + (kEvening.r - sky.r) * kEveningMix));
  CHECK(last.b == std::lround(sky.b + (kEvening.b - sky.b) * kEveningMix));
  // The object's tone falls with the light: without impacts, the last tenth
  // of a second before the scene's closing fade, against the plain title.
  const DemoTitle quiet_plain = with_impacts(plain, {}), quiet_arrow = with_impacts(arrow, {});
  const int64_t to = s.end_frame * kSamplesPerFrame - kSampleRate / 20, from = to - kSampleRate / 10;
  auto a = render_audio(quiet_arrow, from, to - from);
  const auto p = render_audio(quiet_plain, from, to - from);
  std::vector<float> rain(a.size());
  add_rain(quiet_arrow, from, to - from, rain.data());
  for (size_t i = 0; i < a.size(); ++i) a[i] -= rain[i];  // the tone alone
  REQUIRE(rms(p, 0, p.size()) > 0.01);
  CHECK(rms(a, 0, a.size()) / rms(p, 0, p.size()) == Approx(kDuskLight).margin(0.05));
}

TEST_CASE("an impact's ripple grows from where it hit and fades, and a cut ends it", "[media][demo]") {
  const DemoTitle arrow = planned(true);
  const Scene& s = first_scene_of(arrow, 75);
  const int64_t at = s.first_frame + 10;
  const double cx = arrow.track[static_cast<size_t>(at)].x, cy = arrow.track[static_cast<size_t>(at)].y;
  const DemoTitle none = with_impacts(arrow, {}), one = with_impacts(arrow, {{at, cx, 1.0, 0}});
  CHECK(render_frame(none, at - 1) == render_frame(one, at - 1));
  const int64_t life = static_cast<int64_t>(kRippleSeconds * kFps);
  FrameChange previous;
  for (int64_t age : {0, 5, 10, 20, 30}) {
    const FrameChange c = change(render_frame(none, at + age), render_frame(one, at + age), cx, cy);
    INFO("age " << age << " frames");
    REQUIRE(c.pixels > 0);
    if (age > 0) {
      CHECK(c.mean_radius > previous.mean_radius + 5);  // it grows (40 px/s: 8 px in 5 frames) ...
      CHECK(c.opacity < previous.opacity);                // ... and fades
    }
    previous = c;
  }
  CHECK(render_frame(none, at + life) == render_frame(one, at + life));  // gone
  // An impact just before a cut: the next scene shows no ripple.
  const DemoTitle late = with_impacts(arrow, {{s.end_frame - 3, arrow.track[static_cast<size_t>(s.end_frame - 3)].x, 1.0, 0}});
  CHECK(render_frame(none, s.end_frame - 1) != render_frame(late, s.end_frame - 1));
  CHECK(render_frame(none, s.end_frame) == render_frame(late, s.end_frame));
}

TEST_CASE("an impact's ring-out starts sharply and dies away", "[media][demo]") {
  const DemoTitle arrow = planned(true);
  const Scene& s = first_scene_of(arrow, 75);
  const int64_t at = s.first_frame + 10, start = at * kSamplesPerFrame;
  const DemoTitle none = with_impacts(arrow, {}), one = with_impacts(arrow, {{at, 160, 1.0, 0}});
  const int64_t from = start - kSampleRate / 10, count = kSampleRate * 2;
  const auto a = render_audio(none, from, count), b = render_audio(one, from, count);
  std::vector<float> ring(a.size());
  for (size_t i = 0; i < a.size(); ++i) ring[i] = b[i] - a[i];
  const size_t onset = static_cast<size_t>(start - from) * kChannels, window = kSampleRate / 10 * kChannels;
  CHECK(rms(ring, 0, onset) == 0.0);  // nothing before the impact
  // The impact also clicks, for 50 ms; from then on the ring alone, falling window by window.
  double previous = rms(ring, onset + window, onset + 2 * window);
  CHECK(previous > 0.02);
  for (size_t w = 2; w < 14; ++w) {
    const double level = rms(ring, onset + w * window, onset + (w + 1) * window);
    CHECK(level < previous);
    previous = level;
  }
  const size_t end = onset + static_cast<size_t>(kRingSeconds * kSampleRate) * kChannels;
  CHECK(rms(ring, end, ring.size()) == 0.0);  // rung out
}
