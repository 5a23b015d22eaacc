#include <ATen/ATen.h>

#include <catch2/catch.hpp>
#include <filesystem>
#include <fstream>

#include "libs/media/media_decoder.h"
#include "tests/support/media_fixtures.h"
#include "tests/support/process.h"

using namespace avflow::media;
using namespace avflow::test;

namespace {
int64_t count_frames(MediaDecoder& d) {
  int64_t n = 0;
  while (d.next_frame()) ++n;
  return n;
}
int64_t count_samples(MediaDecoder& d) {
  int64_t n = 0;
  for (at::Tensor chunk; (chunk = d.read_audio(48000)).size(0) > 0;) n += chunk.size(0);
  return n;
}
}  // namespace

TEST_CASE("a title decodes to frames at the target rate and size, and audio at 48 kHz mono", "[media][decode]") {
  TempDir dir;
  auto file = write_test_media(std::filesystem::path(dir.path()) / "t.webm", {.seconds = 4.0, .width = 320, .height = 180, .fps = 25});
  MediaDecoder d(file.string(), DecodeSettings{});
  REQUIRE(d.has_video());
  REQUIRE(d.has_audio());
  CHECK(d.height() == 190);
  CHECK(d.width() == 338);  // 320 * 190 / 180 = 337.8
  auto first = d.next_frame();
  REQUIRE(first);
  CHECK(first->sizes() == std::vector<int64_t>{190, 338, 3});
  // 4 s at 5 fps; the first frame was read above.
  CHECK(1 + count_frames(d) == 20);
  at::Tensor pcm = d.read_audio(48000);
  CHECK(pcm.sizes() == std::vector<int64_t>{48000, 1});
  // A 440 Hz sine of amplitude 0.8 (audiotestsrc's default) on both channels, downmixed.
  CHECK(pcm.abs().max().item<float>() > 0.5f);
  const int64_t total = 48000 + count_samples(d);
  CHECK(std::abs(total - 4 * 48000) <= 48000 / 50);  // within 20 ms (encoder padding)
}

TEST_CASE("stereo output keeps two channels", "[media][decode]") {
  TempDir dir;
  auto file = write_test_media(std::filesystem::path(dir.path()) / "s.webm", {.seconds = 1.0, .video = false});
  DecodeSettings s;
  s.channels = 2;
  MediaDecoder d(file.string(), s);
  CHECK_FALSE(d.has_video());
  CHECK_FALSE(d.next_frame());
  CHECK(d.read_audio(4800).sizes() == std::vector<int64_t>{4800, 2});
}

TEST_CASE("decoding can start at a time without decoding from the start", "[media][decode]") {
  TempDir dir;
  auto file = write_test_media(std::filesystem::path(dir.path()) / "t.webm", {.seconds = 6.0, .width = 160, .height = 120, .fps = 25});
  DecodeSettings s;
  s.start_s = 4.0;
  MediaDecoder d(file.string(), s);
  CHECK(count_frames(d) == 10);  // 4 s .. 6 s at 5 fps
  CHECK(std::abs(count_samples(d) - 2 * 48000) <= 48000 / 50);
}

TEST_CASE("a portrait title is scaled by its width", "[media][decode]") {
  TempDir dir;
  auto file = write_test_media(std::filesystem::path(dir.path()) / "p.webm", {.seconds = 1.0, .width = 180, .height = 320, .audio = false});
  MediaDecoder d(file.string(), DecodeSettings{});
  CHECK(d.width() == 190);
  CHECK(d.height() == 338);
  CHECK_FALSE(d.has_audio());
  CHECK(d.read_audio(100).size(0) == 0);
}

TEST_CASE("unreadable input fails with a message naming it", "[media][decode]") {
  TempDir dir;
  CHECK_THROWS_WITH(MediaDecoder((std::filesystem::path(dir.path()) / "missing.mkv").string(), DecodeSettings{}),
                    Catch::Contains("missing.mkv") && Catch::Contains("no such file"));
  auto garbage = std::filesystem::path(dir.path()) / "garbage.mp4";
  std::ofstream(garbage) << std::string(4096, '\x5a');
  CHECK_THROWS_WITH(MediaDecoder(garbage.string(), DecodeSettings{}), Catch::Contains("garbage.mp4"));
  auto empty = std::filesystem::path(dir.path()) / "empty.webm";
  std::ofstream{empty};
  CHECK_THROWS_WITH(MediaDecoder(empty.string(), DecodeSettings{}), Catch::Contains("empty.webm"));
}

TEST_CASE("frame k at 5 fps is the source frame shown at k / 5 s", "[media][decode]") {
  TempDir dir;
  // A moving ball: every source frame differs.
  auto file = write_test_media(std::filesystem::path(dir.path()) / "t.webm",
                               {.seconds = 3.0, .width = 160, .height = 120, .fps = 25, .audio = false});
  DecodeSettings every;
  every.fps = 25;
  every.short_side = 0;
  every.audio = false;
  MediaDecoder source(file.string(), every);
  std::vector<at::Tensor> frames;
  while (auto f = source.next_frame()) frames.push_back(*f);
  REQUIRE(frames.size() == 75);
  DecodeSettings five = every;
  five.fps = 5;
  MediaDecoder d(file.string(), five);
  for (int64_t k = 0; k < 15; ++k) {
    auto f = d.next_frame();
    REQUIRE(f);
    CHECK(at::equal(*f, frames[static_cast<size_t>(5 * k)]));
    CHECK_FALSE(at::equal(*f, frames[static_cast<size_t>(5 * k + 1)]));
  }
  CHECK_FALSE(d.next_frame());
}
