// Playback speed for audio, as temporal self-supervision (Jenni et al.)
// uses it: s times as much sound played in the time of one clip, a tape
// speed-up. The s-times longer PCM is low-pass filtered below the output's
// Nyquist frequency (a Hann-windowed sinc, so what would alias is removed)
// and every s-th sample kept, so a tone of f Hz comes out at s f Hz and the
// clip keeps its length in samples. (Direction is a reversal: pcm.flip(-1).)
#pragma once

#include <ATen/core/Tensor.h>

#include <cstdint>

namespace avflow::audio {

// `pcm`: float [samples] or [channels, samples], at least s * out_samples
// samples; returns [out_samples] or [channels, out_samples], its first
// s * out_samples samples sped up s times. s = 1 returns the first
// out_samples unchanged. std::invalid_argument for s < 1 or too little PCM.
at::Tensor tape_speed_up(const at::Tensor& pcm, int64_t s, int64_t out_samples);

// The low-pass filter used for factor s: 32 s + 1 taps, cutoff at 0.9 of
// the output's Nyquist frequency (0.45 / s cycles per input sample), unit
// gain at 0 Hz. Exposed for tests.
at::Tensor speed_up_filter(int64_t s);

}  // namespace avflow::audio
