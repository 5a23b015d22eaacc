// media_probe: a title's streams and the corrections decoding applies, read
// from clap-and-flash titles whose timing the test chose.
#include "libs/media/media_probe.h"

#include <algorithm>
#include <filesystem>
#include <string>

// After LibTorch's headers (through media_probe.h), whose glog CHECK would
// otherwise replace Catch's.
#include <catch2/catch.hpp>

#include "tests/support/clap_flash_media.h"
#include "tests/support/process.h"

using namespace avflow::media;
using namespace avflow::test;

namespace {

ProbeReport probe(const TempDir& dir, const std::string& name, const ClapFlashSpec& spec) {
  DecodeSettings settings;
  settings.fps = 25;
  settings.sample_rate = 48000;
  settings.short_side = 0;
  return probe_media(write_clap_flash(std::filesystem::path(dir.path()) / name, spec).string(), settings);
}

bool has_tag(const ProbeReport& r, const std::string& prefix) {
  return std::any_of(r.tags.begin(), r.tags.end(), [&](const std::string& t) { return t.rfind(prefix, 0) == 0; });
}

const ProbedStream& stream(const ProbeReport& r, const std::string& kind) {
  for (const auto& s : r.streams)
    if (s.kind == kind) return s;
  FAIL("no " << kind << " stream");
  return r.streams.front();
}

}  // namespace

TEST_CASE("probe names an MP4's codecs and the edit list and priming decoding applies", "[media][probe]") {
  TempDir dir;
  const auto r = probe(dir, "t.mp4", {.format = "mp4 h264 aac"});
  INFO(describe(r));
  CHECK(r.container == "Quicktime");
  REQUIRE(r.duration_s);
  CHECK(*r.duration_s == Approx(4.0).margin(0.05));
  CHECK(stream(r, "video").codec.find("H.264") == 0);
  CHECK(stream(r, "video").width == 160);
  CHECK(stream(r, "video").fps == Approx(25.0));
  CHECK_FALSE(stream(r, "video").variable_frame_rate);
  CHECK(stream(r, "audio").codec.find("AAC") != std::string::npos);
  CHECK(stream(r, "audio").rate == 44100);
  CHECK(r.title_start_s == Approx(0.0).margin(1e-3));
  // x264's two B-frames: 80 ms; AAC's priming: 1024 samples, 23 ms.
  CHECK(std::count(r.tags.begin(), r.tags.end(), "video shift 80 ms") == 1);
  CHECK(std::count(r.tags.begin(), r.tags.end(), "priming 23 ms") == 1);
  CHECK(std::count(r.tags.begin(), r.tags.end(), "44100>48000 Hz") == 1);
  CHECK_FALSE(has_tag(r, "audio +"));
}

TEST_CASE("probe reports a late audio track as padded and an early one as trimmed", "[media][probe]") {
  TempDir dir;
  const auto late = probe(dir, "late.mov", {.format = "mov h264 pcm", .audio_start_s = 0.5});
  INFO(describe(late));
  CHECK(stream(late, "audio").start_s == Approx(0.5).margin(1e-3));
  CHECK(std::count(late.tags.begin(), late.tags.end(), "audio +0.500 s") == 1);
  const auto early = probe(dir, "early.mov", {.format = "mov h264 pcm", .video_start_s = 0.32});
  INFO(describe(early));
  CHECK(early.title_start_s == Approx(0.32).margin(1e-3));
  CHECK(std::count(early.tags.begin(), early.tags.end(), "audio -0.320 s") == 1);
  CHECK(has_tag(early, "starts 0.320 s"));
}

TEST_CASE("probe tells a variable frame rate from a constant one", "[media][probe]") {
  TempDir dir;
  const auto vfr = probe(dir, "vfr.mkv", {.format = "mkv h264 vorbis", .variable_frame_rate = true});
  INFO(describe(vfr));
  CHECK(stream(vfr, "video").variable_frame_rate);
  CHECK(stream(vfr, "video").min_interval_s == Approx(0.04).margin(1e-3));
  CHECK(stream(vfr, "video").max_interval_s >= 0.08 - 1e-3);
  CHECK(has_tag(vfr, "variable fps"));
  const auto cfr = probe(dir, "cfr.webm", {.format = "webm vp8 vorbis"});
  CHECK_FALSE(stream(cfr, "video").variable_frame_rate);
  CHECK(describe(cfr).find("nothing to correct") == std::string::npos);  // 44.1 kHz is still resampled
}

TEST_CASE("probe refuses a file that is not media, naming it", "[media][probe]") {
  TempDir dir;
  const std::string file = dir.write("not_media.mp4", "this is not a movie");
  DecodeSettings settings;
  settings.timeout_s = 5;
  try {
    probe_media(file, settings);
    FAIL("probed a text file");
  } catch (const std::runtime_error& e) {
    CHECK(std::string(e.what()).find("not_media.mp4") != std::string::npos);
  }
}
