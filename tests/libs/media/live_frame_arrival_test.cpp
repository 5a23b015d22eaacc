// MediaDecoder::next_timed_frame on a live RTSP stream (the test helper
// server on 127.0.0.1): a frame's arrival is when its data reached the
// pipeline, not when the caller took it, so frames left unread keep the time
// they arrived (live latency counts a lagging graph); beyond the read-ahead
// the oldest are dropped, so a caller that lags gets the newest. jitter_buffer_ms
// reaches rtspsrc. A file is not live: its frames arrive when they leave the
// decoder.
#include <ATen/ATen.h>

#include <algorithm>
#include <catch2/catch.hpp>
#include <chrono>
#include <memory>
#include <sstream>
#include <thread>
#include <vector>

#include "libs/media/gst_init.h"
#include "libs/media/jitter_buffer.h"
#include "libs/media/media_decoder.h"
#include "runtime/free_port.h"
#include "tests/support/media_fixtures.h"
#include "tests/support/process.h"

using namespace avflow;
using namespace avflow::media;
using namespace avflow::test;

namespace {

using Clock = std::chrono::steady_clock;

double seconds_between(Clock::time_point from, Clock::time_point to) {
  return std::chrono::duration<double>(to - from).count();
}

// A 60 s MJPEG AVI, served over RTSP in real time (each client from the start).
struct LiveServer {
  TempDir dir;
  std::unique_ptr<BackgroundProcess> process;
  std::string uri;

  LiveServer() {
    MediaSpec spec;
    spec.seconds = 60;
    spec.width = 160;
    spec.height = 120;
    spec.fps = 10;
    spec.audio = false;
    const auto clip = write_test_media(dir.path() + "/clip.avi", spec);
    for (int attempt = 0; attempt < 10 && !process; ++attempt) {
      const int port = cli::free_local_port();
      process = std::make_unique<BackgroundProcess>(std::vector<std::string>{
          AVFLOW_RTSP_TEST_SERVER, "--port", std::to_string(port), "--file", clip.string(), "--no-audio"});
      if (process->wait_for_stderr("serving rtsp://", 5))
        uri = "rtsp://127.0.0.1:" + std::to_string(port) + "/stream";
      else
        process.reset();
    }
  }
};

DecodeSettings live_settings(int64_t jitter_buffer_ms) {
  DecodeSettings s;
  s.audio = false;
  s.fps = 5.0;
  s.short_side = 64;
  s.timeout_s = 20.0;
  s.max_buffered_s = 8.0;  // frames left unread for the test's pause stay in the decoder
  s.jitter_buffer_ms = jitter_buffer_ms;
  return s;
}

// The median age (seconds from arrival to being taken) of `n` frames read
// as fast as they come, after `skip` frames to settle.
double median_age_in_step(MediaDecoder& decoder, int skip, int n) {
  std::vector<double> ages;
  for (int i = 0; i < skip + n; ++i) {
    auto frame = decoder.next_timed_frame();
    REQUIRE(frame);
    if (i >= skip) ages.push_back(seconds_between(frame->arrived, Clock::now()));
  }
  std::sort(ages.begin(), ages.end());
  return ages[ages.size() / 2];
}

}  // namespace

TEST_CASE("frames of a live stream left unread keep the time they arrived", "[media][live][arrival]") {
  LiveServer server;
  REQUIRE(server.process);
  MediaDecoder decoder(server.uri, live_settings(200));
  CHECK(decoder.live());

  // Taken as they come: fresh, in order, never from the future.
  Clock::time_point before{};
  for (int i = 0; i < 10; ++i) {
    auto frame = decoder.next_timed_frame();
    REQUIRE(frame);
    const auto now = Clock::now();
    CHECK(frame->arrived <= now);
    CHECK(frame->arrived >= before);
    before = frame->arrived;
  }
  const double fresh = median_age_in_step(decoder, 0, 5);
  INFO("median age taken as they come: " << fresh << " s");
  CHECK(fresh < 1.5);

  // Three seconds without reading: the frame that arrived first meanwhile is
  // about that old when it is taken.
  const auto paused_at = Clock::now();
  std::this_thread::sleep_for(std::chrono::seconds(3));
  auto waited = decoder.next_timed_frame();
  REQUIRE(waited);
  const double age = seconds_between(waited->arrived, Clock::now());
  INFO("age of the first frame after a 3 s pause: " << age << " s");
  CHECK(age > 2.0);
  CHECK(waited->arrived >= paused_at - std::chrono::milliseconds(1500));

  // Reading on, the decoder catches up with the stream: ages fall again.
  double latest = age;
  const auto give_up = Clock::now() + std::chrono::seconds(15);
  while (latest > 1.5 && Clock::now() < give_up) {
    auto frame = decoder.next_timed_frame();
    REQUIRE(frame);
    latest = seconds_between(frame->arrived, Clock::now());
  }
  CHECK(latest <= 1.5);
}

TEST_CASE("a live source left unread drops its oldest frames instead of queueing them", "[media][live][arrival]") {
  LiveServer server;
  REQUIRE(server.process);
  DecodeSettings settings = live_settings(200);
  settings.max_buffered_s = 0.6;  // 3 frames at 5 fps
  MediaDecoder decoder(server.uri, settings);
  REQUIRE(decoder.live());
  median_age_in_step(decoder, 0, 5);
  const auto last = decoder.next_timed_frame();
  REQUIRE(last);
  std::this_thread::sleep_for(std::chrono::seconds(3));
  std::vector<double> ages;
  std::vector<int64_t> indices;
  for (int i = 0; i < 10; ++i) {
    auto frame = decoder.next_timed_frame();
    REQUIRE(frame);
    ages.push_back(seconds_between(frame->arrived, Clock::now()));
    indices.push_back(frame->index);
  }
  std::ostringstream seen;
  for (size_t i = 0; i < ages.size(); ++i) seen << indices[i] << ": " << ages[i] << " s, ";
  INFO("frame " << last->index << " before a 3 s pause; after it: " << seen.str());
  // 15 frames came during the pause; all but the newest 3 were dropped.
  CHECK(indices.front() - last->index >= 12);
  for (size_t i = 1; i < indices.size(); ++i) CHECK(indices[i] == indices[i - 1] + 1);
  // None is older than the read-ahead and the jitter buffer allow.
  for (double a : ages) CHECK(a < 1.2);
}

TEST_CASE("jitter_buffer_ms reaches an RTSP source and leaves other sources alone", "[media][arrival]") {
  ensure_gstreamer();
  GstElement* rtsp = gst_element_factory_make("rtspsrc", nullptr);
  REQUIRE(rtsp);
  CHECK(set_jitter_buffer(rtsp, 350));
  guint latency = 0;
  g_object_get(rtsp, "latency", &latency, nullptr);
  CHECK(latency == 350);
  gst_object_unref(rtsp);

  GstElement* file = gst_element_factory_make("filesrc", nullptr);
  REQUIRE(file);
  CHECK_FALSE(set_jitter_buffer(file, 350));
  gst_object_unref(file);
}

TEST_CASE("frames of a file arrive when they leave the decoder", "[media][arrival]") {
  TempDir dir;
  MediaSpec spec;
  spec.seconds = 3;
  spec.audio = false;
  const auto file = write_test_media(dir.path() + "/clip.webm", spec);
  DecodeSettings settings;
  settings.audio = false;
  MediaDecoder decoder(file.string(), settings);
  CHECK_FALSE(decoder.live());
  int frames = 0;
  Clock::time_point before{};
  while (auto frame = decoder.next_timed_frame()) {
    CHECK(frame->arrived <= Clock::now());
    CHECK(frame->arrived >= before);
    before = frame->arrived;
    ++frames;
  }
  CHECK(frames == 15);  // 3 s at 5 fps
}
