// What MediaDecoder holds for its caller, whatever the title's length: each
// stream at most max_buffered_s ahead (plus a buffer) while the other one
// flows. Audio decodes far faster than video; it used to run on while the
// caller waited for a frame, ~1.4 MB a minute of film until the title ended
// (bench/prepare_memory.cpp measures the process on 2-hour titles).
#include <ATen/ATen.h>

#include <catch2/catch.hpp>
#include <cstdlib>
#include <filesystem>

#include "libs/media/media_decoder.h"
#include "tests/support/media_fixtures.h"
#include "tests/support/process.h"

using namespace avflow::media;
using namespace avflow::test;
namespace fs = std::filesystem;

namespace {

struct Decoded {
  int64_t frames = 0, samples = 0;
  MediaDecoder::ReadAhead peak;
};

// Reads the whole title as prepare does: a frame, then its span of audio.
Decoded decode_in_step(const std::string& uri, const DecodeSettings& settings) {
  MediaDecoder d(uri, settings);
  const auto per_frame = static_cast<int64_t>(settings.sample_rate / settings.fps);
  Decoded out;
  while (d.next_frame()) {
    ++out.frames;
    out.samples += d.read_audio(per_frame).size(0);
  }
  out.peak = d.peak_read_ahead();
  return out;
}

}  // namespace

TEST_CASE("audio decoded faster than video waits for it instead of running ahead", "[media][decode][memory]") {
  TempDir dir;
  const double seconds = 30;
  const auto file = write_test_media(fs::path(dir.path()) / "t.webm",
                                     {.seconds = seconds, .width = 640, .height = 360, .fps = 25});
  DecodeSettings settings;
  settings.fps = 25;
  settings.short_side = 360;  // the frames at full size: video the slower stream by far
  const Decoded d = decode_in_step(file.string(), settings);
  CHECK(d.frames == 750);
  CHECK(d.samples == 750 * 1920);
  INFO("peak read-ahead: video " << d.peak.video_s << " s, audio " << d.peak.audio_s << " s");
  CHECK(d.peak.audio_s <= settings.max_buffered_s + 0.5);
  CHECK(d.peak.video_s <= settings.max_buffered_s + 0.5);
}

TEST_CASE("streams stored 10 s apart in the file decode whole from a push source", "[media][decode][memory]") {
  // A demuxer that is pushed the file must get past 10 s of one stream to
  // reach the other: the decoder must not hold it up waiting for the caller.
  TempDir dir;
  const auto file = write_test_media(fs::path(dir.path()) / "t.mov",
                                     {.seconds = 20, .width = 160, .height = 90, .fps = 25, .interleave_s = 10});
  DecodeSettings settings;
  settings.max_buffered_s = 1.0;
  const Decoded d = decode_in_step("pushfile://" + file.string(), settings);
  CHECK(d.frames == 100);  // 20 s at 5 fps
  CHECK(std::abs(d.samples - 100 * 9600) <= 48);  // within 1 ms (the resampler may end a sample short)
}
