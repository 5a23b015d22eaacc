// Mel filter banks: triangular filters over the bins of a one-sided FFT.
//
// Scales (Hz <-> mel):
//   slaney  (Slaney's Auditory Toolbox, librosa's default, htk=False):
//           linear below 1000 Hz at 3/200 mel per Hz, mel = 3 f / 200
//           (so 1000 Hz = 15 mel); logarithmic above, with a step of
//           log(6.4) / 27 per mel: mel = 15 + log(f / 1000) / (log(6.4) / 27).
//   htk     mel = 2595 log10(1 + f / 700).
//
// Filters: n_mels + 2 points equally spaced in mel from mel(f_min) to
// mel(f_max), mapped back to Hz: p_0 < p_1 < ... < p_{n_mels+1}. Filter m
// (0-based) is the triangle rising from p_m to 1 at p_{m+1} and falling to 0
// at p_{m+2}, evaluated at the continuous frequency of each FFT bin,
// f_k = k * sample_rate / n_fft for k = 0 .. n_fft/2:
//   w_m(f) = max(0, min((f - p_m) / (p_{m+1} - p_m), (p_{m+2} - f) / (p_{m+2} - p_{m+1}))).
// Norm:
//   slaney  each triangle is scaled by 2 / (p_{m+2} - p_m), so every filter
//           has the same area in Hz (librosa's norm="slaney").
//   none    peak value 1.
// All maths in float64; the result is cast to float32.
#pragma once

#include <ATen/ATen.h>

#include <cstdint>

namespace avflow::audio {

enum class MelScale { kSlaney, kHtk };
enum class MelNorm { kSlaney, kNone };

double hz_to_mel(double hz, MelScale scale);
double mel_to_hz(double mel, MelScale scale);

// Float32 [n_mels, n_fft / 2 + 1] on the CPU. Throws std::invalid_argument
// when f_min >= f_max, f_max > sample_rate / 2 or a filter covers no FFT bin
// (naming the filter and what to change).
at::Tensor mel_filterbank(int64_t sample_rate, int64_t n_fft, int64_t n_mels, double f_min, double f_max,
                          MelScale scale, MelNorm norm);

}  // namespace avflow::audio
