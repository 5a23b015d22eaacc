// Multi-view testing geometry: 10 uniformly spaced clips x 3 crops for
// video, 10 clips for audio.
#include <catch2/catch.hpp>
#include <set>
#include <utility>

#include "libs/eval/multi_view.h"

using namespace avflow::eval;

TEST_CASE("a video's 30 test views are 10 uniformly spaced clips times left, center and right", "[eval][views]") {
  // A 12.8 s video, clips of 32 frames at 10 fps (3.2 s): starts every 1.0667 s.
  const auto views = video_test_views(12.8, 3.2);
  REQUIRE(views.size() == 30);
  std::set<std::pair<double, std::string>> distinct;
  for (const auto& v : views) distinct.insert({v.start_s, v.crop});
  CHECK(distinct.size() == 30);
  CHECK(views[0].start_s == 0.0);
  CHECK(views[0].crop == "left");
  CHECK(views[1].crop == "center");
  CHECK(views[2].crop == "right");
  CHECK(views[29].start_s == Approx(12.8 - 3.2));  // the last clip ends at the end
  for (int i = 0; i < 10; ++i) {
    CHECK(views[static_cast<size_t>(3 * i)].start_s == Approx(9.6 * i / 9));
    CHECK(views[static_cast<size_t>(3 * i)].index == 3 * i);
  }
}

TEST_CASE("audio has 10 clip views, and files shorter than a clip start every view at 0", "[eval][views]") {
  const auto audio = audio_test_views(5.0, 3.0);
  REQUIRE(audio.size() == 10);
  CHECK(audio.back().start_s == Approx(2.0));
  CHECK(audio[5].crop.empty());
  for (const auto& v : video_test_views(2.0, 3.2)) CHECK(v.start_s == 0.0);
  CHECK_THROWS_AS(uniform_clip_starts(10, 0, 10), std::invalid_argument);
  CHECK_THROWS_AS(uniform_clip_starts(10, 1, 0), std::invalid_argument);
  CHECK(uniform_clip_starts(10, 2, 1) == std::vector<double>{4.0});  // one clip: the middle
}
