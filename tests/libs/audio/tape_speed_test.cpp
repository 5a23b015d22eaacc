// Playback speed for audio: a pure tone's pitch moves by the factor s, the
// clip keeps its length, what would alias is filtered out, what passes keeps
// its level, and too little PCM is refused.
#include "libs/audio/tape_speed.h"

#include <ATen/ATen.h>

#include <catch2/catch.hpp>
#include <cmath>

#include "tests/support/pure_tone.h"

using avflow::audio::speed_up_filter;
using avflow::audio::tape_speed_up;

namespace {

constexpr int64_t kRate = 48000;

at::Tensor tone(double hz, int64_t samples) { return avflow::test::pure_tone(hz, samples, kRate); }
double peak_hz(const at::Tensor& pcm) { return avflow::test::peak_hz(pcm, kRate); }

double rms(const at::Tensor& x) { return x.to(at::kDouble).pow(2).mean().sqrt().item<double>(); }

}  // namespace

TEST_CASE("a tone sped up s times sounds s times higher in a clip of the same length", "[audio][speed]") {
  for (int64_t s : {1, 2, 4, 8}) {
    INFO("s = " << s);
    const at::Tensor out = tape_speed_up(tone(440, s * kRate), s, kRate);
    REQUIRE(out.sizes() == at::IntArrayRef{kRate});
    CHECK(peak_hz(out) == Approx(440.0 * static_cast<double>(s)).margin(1.0));
  }
}

TEST_CASE("what the speed-up would fold below the output's Nyquist frequency is filtered out", "[audio][speed]") {
  // 15 kHz at twice the speed would be 30 kHz, above 24 kHz: unfiltered it
  // would come back as an 18 kHz tone. 2 kHz (4 kHz after) passes whole.
  const at::Tensor high = tape_speed_up(tone(15000, 2 * kRate), 2, kRate);
  const at::Tensor low = tape_speed_up(tone(2000, 2 * kRate), 2, kRate);
  const at::Tensor middle = low.narrow(0, 1000, kRate - 2000);  // away from the clip's zero-padded edges
  CHECK(rms(high) < 0.01 * rms(tone(15000, kRate)));              // below -40 dB
  CHECK(rms(middle) == Approx(rms(tone(2000, kRate))).epsilon(0.01));
  // Taking every other sample alone would alias it.
  const at::Tensor naive = tone(15000, 2 * kRate).slice(0, 0, 2 * kRate, 2);
  CHECK(rms(naive) > 0.5);
  CHECK(peak_hz(naive) == Approx(18000).margin(1.0));
}

TEST_CASE("the speed-up's filter has unit gain at 0 Hz and 32 s + 1 taps, and s = 1 is the identity", "[audio][speed]") {
  const at::Tensor h = speed_up_filter(4);
  CHECK(h.size(0) == 129);
  CHECK(h.sum().item<double>() == Approx(1.0));
  const at::Tensor pcm = at::randn({2, 100});
  CHECK(at::equal(tape_speed_up(pcm, 1, 60), pcm.narrow(1, 0, 60)));
  // A constant stays constant away from the edges, in each channel.
  const at::Tensor dc = tape_speed_up(at::full({2, 4000}, 0.25f), 4, 1000);
  REQUIRE(dc.sizes() == at::IntArrayRef{2, 1000});
  CHECK(dc.narrow(1, 100, 800).sub(0.25).abs().max().item<double>() < 1e-5);
}

TEST_CASE("the speed-up is the filter's convolution with the zero-padded clip, kept every s-th sample", "[audio][speed]") {
  const at::Tensor pcm = at::randn({2, 8 * 1000});
  for (int64_t s : {2, 3, 8}) {
    const int64_t out = 8 * 1000 / s;
    const at::Tensor h = speed_up_filter(s).to(at::kFloat).view({1, 1, -1});
    const at::Tensor reference =
        at::conv1d(pcm.narrow(1, 0, s * out).reshape({2, 1, s * out}), h, {}, s, (h.size(-1) - 1) / 2)
            .narrow(-1, 0, out)
            .reshape({2, out});
    INFO("s = " << s);
    CHECK(tape_speed_up(pcm, s, out).sub(reference).abs().max().item<double>() < 1e-5);
    CHECK(tape_speed_up(pcm[1], s, out).sub(reference[1]).abs().max().item<double>() < 1e-5);  // mono
  }
}

TEST_CASE("a speed-up without enough PCM is refused saying how much it needs", "[audio][speed][errors]") {
  CHECK_THROWS_WITH(tape_speed_up(at::zeros({1000}), 4, 300),
                    Catch::Contains("speed 4 of 300 samples needs 1200 samples of PCM, got 1000"));
  CHECK_THROWS_WITH(tape_speed_up(at::zeros({1000}), 0, 10), Catch::Contains("speed factor must be at least 1"));
}
