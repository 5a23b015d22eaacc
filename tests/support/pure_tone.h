// Pure tones and their pitch, for the tests of what changes a sound's speed
// or spectrum. Header-only.
#pragma once

#include <ATen/ATen.h>

#include <cmath>
#include <cstdint>

namespace avflow::test {

// sin(2 pi hz t) sampled at `rate` Hz, float32 [samples].
inline at::Tensor pure_tone(double hz, int64_t samples, int64_t rate) {
  return at::sin(2 * M_PI * hz * at::arange(samples, at::kDouble) / static_cast<double>(rate)).to(at::kFloat);
}

// The frequency of the largest bin of the spectrum of `pcm` [samples], in Hz
// (bins of rate / samples Hz: 1 Hz for a second of sound).
inline double peak_hz(const at::Tensor& pcm, int64_t rate) {
  const at::Tensor spectrum = at::abs(at::fft_rfft(pcm.to(at::kDouble)));
  return static_cast<double>(spectrum.argmax().item<int64_t>()) * static_cast<double>(rate) /
         static_cast<double>(pcm.size(-1));
}

}  // namespace avflow::test
