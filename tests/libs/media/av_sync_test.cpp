// Audio and video on the presentation timeline: clap-and-flash titles
// (clap_flash_media.h) in every container and codec the decoder meets, with
// tracks that start late or early and a variable frame rate, decoded as
// prepare decodes (25 fps, 48 kHz mono). Each click sounds within 10 ms of
// its flash, each flash's frame is where its time says, and snippets keep
// exactly T frames and T / fps x rate samples. `av_sync_table` prints the
// same measurements as a table.
#include <ATen/ATen.h>

#include <catch2/catch.hpp>
#include <cmath>
#include <filesystem>
#include <memory>
#include <vector>

#include "libs/media/media_decoder.h"
#include "libs/media/snippetizer.h"
#include "runtime/free_port.h"
#include "tests/support/av_sync.h"
#include "tests/support/process.h"

using namespace avflow;
using namespace avflow::media;
using namespace avflow::test;

namespace {

DecodeSettings prepare_like() {
  DecodeSettings s;
  s.fps = 25;
  s.sample_rate = 48000;
  s.short_side = 0;
  return s;
}

}  // namespace

TEST_CASE("every container and codec plays each click within 10 ms of its flash, the flash where its time says",
          "[media][av-sync]") {
  const auto index = GENERATE(range(size_t{0}, sync_cases().size()));
  const SyncCase& c = sync_cases()[index];
  INFO(c.name);
  TempDir dir;
  const auto file = write_sync_case(dir.path(), c);
  const SyncCheck r = check_sync(file.string(), c.spec, prepare_like());
  REQUIRE(static_cast<int64_t>(r.sync.pairs.size()) == r.flashes_expected);
  if (c.bounded) {
    CHECK(r.sync.worst_ms() < 10.0);
  } else {
    // Its encoder delay is not in the file: stated, not bounded.
    WARN(c.name << ": click " << r.sync.mean_ms() << " ms after its flash");
    CHECK(std::isfinite(r.sync.worst_ms()));
  }
  CHECK(r.flashes_in_place == r.flashes_expected);
  // The title runs from its first frame to its end: every frame, none added.
  const double first_frame_s = static_cast<double>(std::llround(c.spec.video_start_s * c.spec.fps)) / c.spec.fps;
  CHECK(r.frames == std::llround((c.spec.seconds - first_frame_s) * 25));
  // Its duration is the title's, from that first frame (MPEG-TS here says none).
  if (r.duration_s) CHECK(*r.duration_s == Approx(c.spec.seconds - first_frame_s).margin(0.03));
}

TEST_CASE("a decode that starts part-way keeps each click with its flash", "[media][av-sync]") {
  const auto name = GENERATE(as<std::string>{}, "mp4 h264 aac", "ts h264 aac", "mkv h264 aac", "mp4 audio 0.5 s late",
                             "mkv audio 0.3 s early");
  INFO(name);
  const SyncCase& c = sync_case(name);
  TempDir dir;
  const auto file = write_sync_case(dir.path(), c);
  DecodeSettings settings = prepare_like();
  settings.start_s = 1.0;  // after the first flash
  const SyncCheck r = check_sync(file.string(), c.spec, settings);
  CHECK(static_cast<int64_t>(r.sync.pairs.size()) == r.flashes_expected - 1);
  CHECK(r.flashes_in_place == r.flashes_expected - 1);
  CHECK(r.sync.worst_ms() < 10.0);
}

TEST_CASE("snippets hold exactly T frames and T / fps x rate samples, each click with its flash", "[media][av-sync]") {
  const auto name = GENERATE(as<std::string>{}, "mp4 h264 aac", "ts h264 aac", "mp4 audio 0.5 s late",
                             "mkv audio 0.3 s early", "mkv audio gap 0.3 s", "mkv variable frame rate",
                             "avi mjpeg pcm");
  INFO(name);
  const SyncCase& c = sync_case(name);
  TempDir dir;
  const auto file = write_sync_case(dir.path(), c);
  const DecodeSettings settings = prepare_like();
  MediaDecoder decoder(file.string(), settings);
  constexpr int64_t kFrames = 10;  // 0.4 s: 19200 samples
  Snippetizer snippets(decoder, settings, kFrames, "t", "");
  std::vector<at::Tensor> frames, audio;
  while (auto s = snippets.next()) {
    CHECK(s->video.sizes()[0] == kFrames);
    CHECK(s->audio.sizes() == std::vector<int64_t>{19200});
    frames.push_back(s->video.get());
    audio.push_back(s->audio.get().unsqueeze(1));
  }
  const double first_frame_s = static_cast<double>(std::llround(c.spec.video_start_s * c.spec.fps)) / c.spec.fps;
  CHECK(static_cast<int64_t>(frames.size()) == std::llround((c.spec.seconds - first_frame_s) * 25) / kFrames);
  const AvSync sync = measure_av_sync(at::cat(frames), 25, at::cat(audio), 48000, kClickSeconds);
  CHECK(sync.pairs.size() == c.spec.flashes.size());
  CHECK(sync.worst_ms() < 10.0);
}

TEST_CASE("a title served over RTSP keeps each click within 10 ms of its flash", "[media][av-sync][live]") {
  TempDir dir;
  ClapFlashSpec spec{.format = "avi mjpeg pcm", .seconds = 4.0};
  spec.audio_rate = 48000;
  const auto clip = write_clap_flash(std::filesystem::path(dir.path()) / "clip.avi", spec);
  std::unique_ptr<BackgroundProcess> server;
  std::string uri;
  for (int attempt = 0; attempt < 10 && !server; ++attempt) {
    const int port = cli::free_local_port();
    server = std::make_unique<BackgroundProcess>(
        std::vector<std::string>{AVFLOW_RTSP_TEST_SERVER, "--port", std::to_string(port), "--file", clip.string()});
    if (server->wait_for_stderr("serving rtsp://", 5))
      uri = "rtsp://127.0.0.1:" + std::to_string(port) + "/stream";
    else
      server.reset();
  }
  REQUIRE(server);
  DecodeSettings settings = prepare_like();
  settings.max_buffered_s = 8.0;  // the whole clip: nothing dropped while the test reads one stream
  const DecodedTitle t = decode_whole(uri, settings);
  const AvSync sync = measure_av_sync(t.frames, 25, t.audio, 48000, kClickSeconds);
  REQUIRE(sync.pairs.size() == spec.flashes.size());
  INFO("mean offset " << sync.mean_ms() << " ms");
  CHECK(sync.worst_ms() < 10.0);
}
