// Playback speed and direction of a clip against hand-computed frames and
// samples: the frames a speed keeps, the reversed order, the resampled
// length, a pure tone's pitch moving by the factor s, and the speed classes.
#include "libs/temporal/playback.h"

#include <ATen/ATen.h>

#include <catch2/catch.hpp>
#include <cmath>
#include <vector>

#include "tests/support/pure_tone.h"

using namespace avflow::temporal;
using Catch::Matchers::Contains;

namespace {

// 4 x s frames of 2 x 2 pixels whose every value is the frame's index.
at::Tensor numbered_frames(int64_t n) {
  return at::arange(n, at::kByte).view({n, 1, 1, 1}).expand({n, 2, 2, 3}).contiguous();
}

std::vector<int64_t> frame_numbers(const at::Tensor& frames) {
  std::vector<int64_t> out;
  for (int64_t t = 0; t < frames.size(0); ++t) out.push_back(frames[t][1][1][2].item<int64_t>());
  return out;
}

constexpr int64_t kRate = 16000;

at::Tensor tone(double hz, int64_t samples) { return avflow::test::pure_tone(hz, samples, kRate); }
double peak_hz(const at::Tensor& pcm) { return avflow::test::peak_hz(pcm, kRate); }

}  // namespace

TEST_CASE("a clip at speed s keeps every s-th of its s T frames", "[temporal][speed]") {
  CHECK(frame_numbers(video_at_speed(numbered_frames(4), 1)) == std::vector<int64_t>{0, 1, 2, 3});
  CHECK(frame_numbers(video_at_speed(numbered_frames(8), 2)) == std::vector<int64_t>{0, 2, 4, 6});
  CHECK(frame_numbers(video_at_speed(numbered_frames(16), 4)) == std::vector<int64_t>{0, 4, 8, 12});
  CHECK(frame_numbers(video_at_speed(numbered_frames(32), 8)) == std::vector<int64_t>{0, 8, 16, 24});
  const at::Tensor kept = video_at_speed(numbered_frames(32), 8);
  CHECK(kept.sizes() == at::IntArrayRef{4, 2, 2, 3});
  CHECK(kept.is_contiguous());
}

TEST_CASE("a reversed clip plays its frames last to first", "[temporal][direction]") {
  CHECK(frame_numbers(reverse_frames(numbered_frames(5))) == std::vector<int64_t>{4, 3, 2, 1, 0});
  CHECK(frame_numbers(reverse_frames(video_at_speed(numbered_frames(16), 4))) == std::vector<int64_t>{12, 8, 4, 0});
}

TEST_CASE("a reversed waveform plays its samples last to first, every channel alike", "[temporal][direction]") {
  const at::Tensor mono = at::arange(6, at::kFloat);
  CHECK(at::equal(reverse_waveform(mono), at::tensor({5.f, 4.f, 3.f, 2.f, 1.f, 0.f})));
  const at::Tensor stereo = at::stack({at::arange(4, at::kFloat), 10 + at::arange(4, at::kFloat)});
  CHECK(at::equal(reverse_waveform(stereo), at::stack({at::tensor({3.f, 2.f, 1.f, 0.f}),
                                                        at::tensor({13.f, 12.f, 11.f, 10.f})})));
}

TEST_CASE("audio at speed s is resampled to a snippet's length and a tone's pitch rises s times", "[temporal][speed]") {
  for (int64_t s : {1, 2, 4, 8}) {
    INFO("s = " << s);
    const at::Tensor out = audio_at_speed(tone(300, s * kRate), s);
    REQUIRE(out.sizes() == at::IntArrayRef{kRate});
    CHECK(peak_hz(out) == Approx(300.0 * static_cast<double>(s)).margin(1.0));
  }
  const at::Tensor stereo = audio_at_speed(at::stack({tone(300, 4 * kRate), tone(500, 4 * kRate)}), 4);
  REQUIRE(stereo.sizes() == at::IntArrayRef{2, kRate});
  CHECK(peak_hz(stereo[1]) == Approx(2000).margin(1.0));
}

TEST_CASE("a speed that does not divide the clip, or is not among the speeds, is refused", "[temporal][speed]") {
  CHECK_THROWS_WITH(video_at_speed(numbered_frames(6), 4), Contains("speed 4 does not divide the clip's 6 frames"));
  CHECK_THROWS_WITH(audio_at_speed(at::zeros({10}), 4), Contains("speed 4 does not divide the clip's 10 samples"));
  CHECK(speed_class(1, {1, 2, 4, 8}) == 0);
  CHECK(speed_class(8, {1, 2, 4, 8}) == 3);
  CHECK(speed_class(3, {1, 3}) == 1);
  CHECK_THROWS_WITH(speed_class(16, {1, 2, 4, 8}), "speed 16 is not one of speeds [1, 2, 4, 8]");
}
