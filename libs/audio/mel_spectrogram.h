// MelSpectrogram: log-mel spectrograms of mono float32 PCM, the computation
// behind the "mel" operator (operators/audio/mel.cpp), usable on its own by
// tests and benchmarks.
//
//   MelSettings s;                       // the paper's defaults
//   MelSpectrogram mel(s);               // validates, caches window and filter bank
//   at::Tensor m = mel.compute(pcm);     // [samples] -> [1, 96, frames]
//
// compute() only reads members, so one instance serves concurrent callers.
//
// Where the time goes on the CPU (3.2 s at the defaults, Debian's LibTorch
// with the reference BLAS): the dense [96 x 1025] x [1025 x 301] product
// costs several times the STFT, yet 98% of the filter bank is zeros. On the
// CPU the product is therefore split into blocks of consecutive filters,
// each multiplied with only the FFT bins it covers (plan in the
// constructor). A batch is computed one snippet at a time on the CPU: the
// temporaries of a whole batch (tens of MB) are fresh pages on every call,
// and page faults then cost more than the FFTs. On CUDA the batch goes in one
// piece through one dense product.
#pragma once

#include <ATen/ATen.h>

#include <cstdint>
#include <string>
#include <vector>

#include "libs/audio/mel_filterbank.h"

namespace avflow::audio {

enum class MelWindow { kHann, kHamming };  // periodic, as torch's defaults
enum class MelPad { kReflect, kConstant };
enum class MelLog { kOffset, kClamp, kNone };

struct MelSettings {
  int64_t sample_rate = 48000;
  int64_t n_fft = 2048;
  int64_t win_length = 2048;  // <= n_fft; a shorter window is centred in the frame
  int64_t hop = 512;
  int64_t n_mels = 96;
  double f_min = 0.0;
  double f_max = 0.0;  // 0: sample_rate / 2
  MelWindow window = MelWindow::kHann;
  MelScale scale = MelScale::kSlaney;
  MelNorm norm = MelNorm::kSlaney;
  double power = 2.0;  // 1: magnitude, 2: power
  bool center = true;  // pad n_fft / 2 on each side; frame t is centred on sample t * hop
  MelPad pad = MelPad::kReflect;
  MelLog log = MelLog::kOffset;  // offset: log(x + log_eps); clamp: log(max(x, log_eps))
  double log_eps = 1e-6;
  at::Device device = at::kCPU;
};

class MelSpectrogram {
 public:
  // Throws std::invalid_argument for settings that cannot work.
  explicit MelSpectrogram(const MelSettings& settings);

  // pcm: float32 [samples] or [B, samples], on any device. Returns float32
  // [1, n_mels, frames] or [B, 1, n_mels, frames] on the settings' device.
  // Throws std::invalid_argument naming the shape for other inputs.
  at::Tensor compute(const at::Tensor& pcm) const;

  // Frames produced for a snippet of `samples` samples.
  int64_t frames(int64_t samples) const;

  const MelSettings& settings() const { return s_; }
  const at::Tensor& filterbank() const { return filterbank_; }  // [n_mels, n_fft/2 + 1] on the device

 private:
  // Rows mel0 .. mel0 + mels of the filter bank are zero outside the bins
  // bin0 .. bin0 + bins; `weights` holds that block.
  struct Block {
    int64_t mel0, mels, bin0, bins;
    at::Tensor weights;
  };

  // From the CPU filter bank, float32 [n_mels, bins].
  static std::vector<Block> plan_blocks(const at::Tensor& filterbank);
  void check_input(const at::Tensor& pcm) const;
  // [(B,) samples] on the device -> [(B,) n_mels, frames].
  at::Tensor mel_of(const at::Tensor& x) const;

  MelSettings s_;
  std::string pad_mode_;
  at::Tensor window_;
  at::Tensor filterbank_;
  std::vector<Block> blocks_;  // CPU only: the filter bank's nonzero blocks
};

}  // namespace avflow::audio
