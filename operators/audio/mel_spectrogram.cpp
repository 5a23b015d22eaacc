#include "operators/audio/mel_spectrogram.h"

#include <stdexcept>

#include "engine/payloads/tensor.h"

namespace avflow::ops {

namespace {

void require(bool ok, const std::string& message) {
  if (!ok) throw std::invalid_argument(message);
}

}  // namespace

MelSpectrogram::MelSpectrogram(const MelSettings& settings) : s_(settings) {
  require(s_.n_fft >= 2, "n_fft (" + std::to_string(s_.n_fft) + ") must be at least 2");
  require(s_.hop >= 1, "hop (" + std::to_string(s_.hop) + ") must be at least 1");
  require(s_.win_length >= 1 && s_.win_length <= s_.n_fft,
          "win_length (" + std::to_string(s_.win_length) + ") must be between 1 and n_fft (" +
              std::to_string(s_.n_fft) + "); set win_length when changing n_fft");
  require(s_.n_mels >= 1, "n_mels must be at least 1");
  require(s_.power > 0.0, "power must be positive");
  require(s_.log == MelLog::kNone || s_.log_eps > 0.0, "log_eps must be positive");
  if (s_.f_max == 0.0) s_.f_max = static_cast<double>(s_.sample_rate) / 2.0;
  pad_mode_ = s_.pad == MelPad::kReflect ? "reflect" : "constant";

  const auto opts = at::TensorOptions().dtype(at::kFloat).device(s_.device);
  window_ = s_.window == MelWindow::kHann ? at::hann_window(s_.win_length, /*periodic=*/true, opts)
                                          : at::hamming_window(s_.win_length, /*periodic=*/true, opts);
  filterbank_ =
      mel_filterbank(s_.sample_rate, s_.n_fft, s_.n_mels, s_.f_min, s_.f_max, s_.scale, s_.norm).to(s_.device);
}

int64_t MelSpectrogram::frames(int64_t samples) const {
  return s_.center ? 1 + samples / s_.hop : 1 + (samples - s_.n_fft) / s_.hop;
}

void MelSpectrogram::check_input(const at::Tensor& pcm) const {
  require(pcm.defined(), "pcm tensor is undefined");
  require(pcm.dim() == 1 || pcm.dim() == 2,
          "pcm must be [samples] or [batch, samples], got a tensor of shape " + Tensor(pcm).str());
  require(pcm.scalar_type() == at::kFloat, "pcm must be float32, got " + Tensor(pcm).str());
  const int64_t samples = pcm.size(-1);
  require(pcm.numel() > 0, "pcm is empty: " + Tensor(pcm).str());
  if (!s_.center)
    require(samples >= s_.n_fft, "pcm of " + std::to_string(samples) + " samples is shorter than n_fft (" +
                                     std::to_string(s_.n_fft) + ") and center = false");
  else if (s_.pad == MelPad::kReflect)
    require(samples > s_.n_fft / 2, "pcm of " + std::to_string(samples) +
                                        " samples is too short to reflect-pad by n_fft/2 (" +
                                        std::to_string(s_.n_fft / 2) + "); use pad_mode = \"constant\"");
}

at::Tensor MelSpectrogram::compute(const at::Tensor& pcm) const {
  check_input(pcm);
  const at::Tensor x = pcm.to(s_.device);
  const at::Tensor z = at::stft(x, s_.n_fft, s_.hop, s_.win_length, window_, s_.center, pad_mode_,
                                /*normalized=*/false, /*onesided=*/true, /*return_complex=*/true);
  at::Tensor spec = at::view_as_real(z).square().sum(-1);  // |z|^2, [(B,) bins, frames]
  if (s_.power == 1.0)
    spec.sqrt_();
  else if (s_.power != 2.0)
    spec.pow_(s_.power / 2.0);
  at::Tensor mel = at::matmul(filterbank_, spec);  // [(B,) n_mels, frames]
  if (s_.log == MelLog::kOffset)
    mel.add_(s_.log_eps).log_();
  else if (s_.log == MelLog::kClamp)
    mel.clamp_min_(s_.log_eps).log_();
  return mel.unsqueeze(-3);
}

}  // namespace avflow::ops
