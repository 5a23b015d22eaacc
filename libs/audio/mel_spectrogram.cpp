#include "libs/audio/mel_spectrogram.h"

#include <algorithm>
#include <limits>
#include <stdexcept>

#include "engine/payloads/tensor.h"

namespace avflow::audio {

namespace {

void require(bool ok, const std::string& message) {
  if (!ok) throw std::invalid_argument(message);
}

// One matrix product costs about as much as this many extra rows of
// multiply-adds over the needed bins (call overhead against a row of ~300
// frames), which keeps blocks from shrinking to single filters.
constexpr int64_t kBlockCallCost = 32;

}  // namespace

// Groups consecutive filters into blocks that minimise filters x covered bins
// summed over blocks, plus kBlockCallCost per block: a dynamic programme over
// the split points (filters' supports move up with the index).
std::vector<MelSpectrogram::Block> MelSpectrogram::plan_blocks(const at::Tensor& filterbank) {
  const int64_t n = filterbank.size(0), bins = filterbank.size(1);
  auto w = filterbank.accessor<float, 2>();
  std::vector<int64_t> first(n, bins), end(n, 0);  // nonzero bins first[m] .. end[m] - 1
  for (int64_t m = 0; m < n; ++m)
    for (int64_t k = 0; k < bins; ++k)
      if (w[m][k] != 0.0f) {
        first[m] = std::min(first[m], k);
        end[m] = k + 1;
      }
  // best[j]: least cost of filters 0 .. j-1; start[j]: where its last block starts.
  std::vector<int64_t> best(n + 1, std::numeric_limits<int64_t>::max()), start(n + 1, 0);
  best[0] = 0;
  for (int64_t j = 1; j <= n; ++j) {
    int64_t lo = bins, hi = 0;
    for (int64_t i = j - 1; i >= 0; --i) {
      lo = std::min(lo, first[i]);
      hi = std::max(hi, end[i]);
      const int64_t cost = best[i] + (j - i) * (hi - lo) + kBlockCallCost;
      if (cost < best[j]) {
        best[j] = cost;
        start[j] = i;
      }
    }
  }
  std::vector<Block> blocks;
  for (int64_t j = n; j > 0; j = start[j]) {
    const int64_t i = start[j];
    const int64_t lo = *std::min_element(first.begin() + i, first.begin() + j);
    const int64_t hi = *std::max_element(end.begin() + i, end.begin() + j);
    blocks.push_back({i, j - i, lo, hi - lo, filterbank.slice(0, i, j).slice(1, lo, hi).contiguous()});
  }
  return blocks;
}

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
  const at::Tensor filterbank =
      mel_filterbank(s_.sample_rate, s_.n_fft, s_.n_mels, s_.f_min, s_.f_max, s_.scale, s_.norm);
  filterbank_ = filterbank.to(s_.device);
  // cuBLAS does the dense product faster than several small launches.
  if (s_.device.is_cpu()) blocks_ = plan_blocks(filterbank);
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
  if (x.dim() == 1) return mel_of(x).unsqueeze(0);
  if (!x.is_cpu()) return mel_of(x).unsqueeze(1);
  // A CPU batch snippet by snippet: small temporaries the allocator reuses.
  at::Tensor out = at::empty({x.size(0), 1, s_.n_mels, frames(x.size(1))}, x.options());
  for (int64_t b = 0; b < x.size(0); ++b) out[b][0].copy_(mel_of(x[b]));
  return out;
}

at::Tensor MelSpectrogram::mel_of(const at::Tensor& x) const {
  const at::Tensor z = at::stft(x, s_.n_fft, s_.hop, s_.win_length, window_, s_.center, pad_mode_,
                                /*normalized=*/false, /*onesided=*/true, /*return_complex=*/true);
  // |z| then a power in place: one pass over the complex values (measured
  // several times faster than view_as_real(z).square().sum(-1), a reduction
  // over pairs into a transposed layout).
  at::Tensor spec = z.abs();
  if (s_.power == 2.0)
    spec.square_();
  else if (s_.power != 1.0)
    spec.pow_(s_.power);
  at::Tensor mel;
  if (blocks_.empty()) {
    mel = at::matmul(filterbank_, spec);
  } else {
    mel = at::empty({s_.n_mels, spec.size(-1)}, spec.options());
    for (const Block& b : blocks_) {
      at::Tensor rows = mel.narrow(0, b.mel0, b.mels);
      at::mm_out(rows, b.weights, spec.narrow(0, b.bin0, b.bins));
    }
  }
  if (s_.log == MelLog::kOffset)
    mel.add_(s_.log_eps).log_();
  else if (s_.log == MelLog::kClamp)
    mel.clamp_min_(s_.log_eps).log_();
  return mel;
}

}  // namespace avflow::audio
