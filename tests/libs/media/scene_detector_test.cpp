// The scene rule on drawn frames: flat colours, a moving square, flashes,
// and shots that cut back and forth (libs/media/scene/scene_detector.h).
#include <catch2/catch.hpp>
#include <cstdint>
#include <vector>

#include "libs/media/scene/scene_detector.h"

using namespace avflow::media::scene;

namespace {

constexpr int64_t kH = 90, kW = 160;

struct Colour {
  uint8_t r, g, b;
};

// A frame of one colour with a 20 px square of another at (x, y).
std::vector<uint8_t> frame(Colour bg, int64_t square_x = -1, int64_t square_y = 30, Colour fg = {250, 250, 250}) {
  std::vector<uint8_t> f(static_cast<size_t>(kH * kW * 3));
  for (int64_t y = 0; y < kH; ++y)
    for (int64_t x = 0; x < kW; ++x) {
      const bool in = square_x >= 0 && x >= square_x && x < square_x + 20 && y >= square_y && y < square_y + 20;
      const Colour c = in ? fg : bg;
      uint8_t* p = &f[static_cast<size_t>((y * kW + x) * 3)];
      p[0] = c.r, p[1] = c.g, p[2] = c.b;
    }
  return f;
}

// Shots of `length` frames each, in the given colours, with a square moving
// 6 px a frame through every shot.
SceneCuts detect(const std::vector<Colour>& shots, int64_t length, SceneRule rule = {}) {
  SceneDetector d(rule);
  int64_t k = 0;
  for (const Colour& c : shots)
    for (int64_t i = 0; i < length; ++i, ++k) {
      const auto f = frame(c, (k * 6) % (kW - 20));
      d.add_frame(f.data(), kH, kW);
    }
  return d.finish();
}

const Colour kRed{200, 40, 40}, kGreen{40, 180, 60}, kBlue{40, 60, 200}, kGrey{120, 120, 120}, kYellow{220, 210, 40};

}  // namespace

TEST_CASE("a moving object in one shot is no cut", "[scene]") {
  const SceneCuts c = detect({kGrey}, 40);
  CHECK(c.frames == 40);
  CHECK(c.shot_starts == std::vector<int64_t>{0});
  CHECK(c.scene_starts == std::vector<int64_t>{0});
}

TEST_CASE("hard cuts between different colours are found at their frame", "[scene]") {
  const SceneCuts c = detect({kRed, kGreen, kBlue, kYellow}, 12);
  CHECK(c.shot_starts == std::vector<int64_t>{0, 12, 24, 36});
  CHECK(c.scene_starts == std::vector<int64_t>{0, 12, 24, 36});
  CHECK(c.distances.size() == 48);
  CHECK(c.distances[12] > 0.9);
}

TEST_CASE("a shot that cuts back to an earlier set-up stays in its scene", "[scene]") {
  // A B A B (a conversation), then C D C: two scenes.
  const SceneCuts c = detect({kRed, kGreen, kRed, kGreen, kBlue, kYellow, kBlue}, 10);
  CHECK(c.shot_starts == std::vector<int64_t>{0, 10, 20, 30, 40, 50, 60});
  CHECK(c.scene_starts == std::vector<int64_t>{0, 40});
}

TEST_CASE("scene_memory bounds how far back a shot links", "[scene]") {
  // A B C D A: with memory 3 the last A cannot see the first one.
  SceneRule rule;
  rule.scene_memory = 3;
  CHECK(detect({kRed, kGreen, kBlue, kYellow, kRed}, 10, rule).scene_starts == std::vector<int64_t>{0, 10, 20, 30, 40});
  rule.scene_memory = 4;
  CHECK(detect({kRed, kGreen, kBlue, kYellow, kRed}, 10, rule).scene_starts == std::vector<int64_t>{0});
}

TEST_CASE("scene_threshold 0 makes every shot its own scene", "[scene]") {
  SceneRule rule;
  rule.scene_threshold = 0;
  CHECK(detect({kRed, kGreen, kRed}, 10, rule).scene_starts == std::vector<int64_t>{0, 10, 20});
}

TEST_CASE("a one-frame flash is at most one cut and no new scene", "[scene]") {
  SceneDetector d{SceneRule{}};
  for (int64_t k = 0; k < 30; ++k) {
    const auto f = frame(k == 15 ? Colour{255, 255, 255} : kBlue, k * 4);
    d.add_frame(f.data(), kH, kW);
  }
  const SceneCuts c = d.finish();
  CHECK(c.shot_starts.size() <= 2);
  CHECK(c.scene_starts == std::vector<int64_t>{0});
}

TEST_CASE("cuts closer than min_shot keep the sharper one", "[scene]") {
  // Red for 10 frames, 1 frame of grey, then blue: with min_shot 3 one cut.
  SceneRule rule;
  rule.min_shot = 3;
  SceneDetector d(rule);
  for (int64_t k = 0; k < 25; ++k) {
    const auto f = frame(k < 10 ? kRed : k == 10 ? kGrey : kBlue);
    d.add_frame(f.data(), kH, kW);
  }
  const SceneCuts c = d.finish();
  REQUIRE(c.shot_starts.size() == 2);
  CHECK((c.shot_starts[1] == 10 || c.shot_starts[1] == 11));
}

TEST_CASE("a cut in the last frames is still decided", "[scene]") {
  const SceneCuts c = detect({kRed, kGreen}, 20);
  SceneDetector d{SceneRule{}};
  for (int64_t k = 0; k < 23; ++k) {
    const auto f = frame(k < 20 ? kRed : kGreen);
    d.add_frame(f.data(), kH, kW);
  }
  CHECK(d.finish().shot_starts == std::vector<int64_t>{0, 20});
  CHECK(c.shot_starts == std::vector<int64_t>{0, 20});
}

TEST_CASE("no frames give no shots", "[scene]") {
  SceneDetector d{SceneRule{}};
  const SceneCuts c = d.finish();
  CHECK(c.frames == 0);
  CHECK(c.shot_starts.empty());
  CHECK(c.scene_starts.empty());
}

TEST_CASE("a rule out of range is refused with the field named", "[scene]") {
  SceneRule rule;
  rule.cut_ratio = 0.5;
  CHECK_THROWS_WITH(SceneDetector(rule), Catch::Contains("cut_ratio"));
  rule = {};
  rule.scene_memory = 0;
  CHECK_THROWS_WITH(SceneDetector(rule), Catch::Contains("scene_memory"));
}

TEST_CASE("scene starts in frames become the snippets that hold most of the new scene", "[scene]") {
  // T = 16, snippet 2 is frames 32..47: a scene from frame 39 has 9 of its
  // frames (snippet 2 starts it), one from frame 40 half (ties go to the
  // later snippet, 3). Starts past the last snippet are dropped.
  CHECK(scene_snippet_starts({0, 20, 39, 40, 100, 400}, 16, 20) == std::vector<int64_t>{1, 2, 3, 6});
  CHECK(scene_snippet_starts({0}, 16, 20).empty());
  CHECK_THROWS(scene_snippet_starts({0}, 0, 20));
}
