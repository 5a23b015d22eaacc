// Playback speed and direction of a clip, the transformations whose
// recognition is the unitary pretext tasks of temporal self-supervision
// (Jenni et al.). A clip at speed s is read as s T frames (s consecutive
// snippets) and played in the time of T: video keeps every s-th frame, audio
// is the s-times longer PCM sped up like a tape (low-passed, then
// decimated; libs/audio/tape_speed.h). Playing backwards reverses the
// frames, or the waveform.
#pragma once

#include <ATen/core/Tensor.h>

#include <cstdint>
#include <vector>

namespace avflow::temporal {

// `frames` [s T, ...]: frames 0, s, 2 s, ..., (T - 1) s, as [T, ...].
// std::invalid_argument unless s >= 1 divides the frame count.
at::Tensor video_at_speed(const at::Tensor& frames, int64_t s);

// `pcm` [s L] or [channels, s L] -> [L] or [channels, L], sped up s times.
// std::invalid_argument unless s >= 1 divides the sample count.
at::Tensor audio_at_speed(const at::Tensor& pcm, int64_t s);

// Frames [T, ...] in reverse time order.
at::Tensor reverse_frames(const at::Tensor& frames);
// A waveform [L] or [channels, L] played backwards.
at::Tensor reverse_waveform(const at::Tensor& pcm);

// The class of speed s among `speeds` (its index); std::invalid_argument
// naming both when s is not one of them.
int64_t speed_class(int64_t s, const std::vector<int64_t>& speeds);

}  // namespace avflow::temporal
