// bench_mel_throughput: log-mel spectrograms per second of 3.2 s snippets at
// the paper's settings (48 kHz, n_fft 2048, hop 512, 96 Slaney mels), for
//   (a) plain: the LibTorch calls a user would write (a new Hann window and
//       stft per call, .abs().pow(2), matmul with a filter bank, log(x + eps))
//   (b) MelSpectrogram (libs/audio/mel_spectrogram.h), as the "mel"
//       operator runs it,
// on the CPU at batch 1 and 32, and on CUDA where available. The ratio (b)/(a)
// is the figure to read; absolute rates depend on the machine.
//
//   bench_mel_throughput [seconds per measurement, default 1] [--cuda-only]
//
// On CUDA it adds batch 256, the batch bench/reference/mel_reference.py
// measures torchaudio's MelSpectrogram at on the same GPU.
#include <ATen/ATen.h>
#include <ATen/Parallel.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <functional>
#include <string>
#include <vector>

#include "libs/audio/mel_filterbank.h"
#include "libs/audio/mel_spectrogram.h"

using namespace avflow::audio;

namespace {

constexpr int64_t kSamples = 153600;  // 3.2 s at 48 kHz
constexpr int kRounds = 3;            // interleaved; the best of each is kept

// (a): what one writes with LibTorch alone, given a filter bank.
at::Tensor plain_mel(const at::Tensor& pcm, const at::Tensor& filterbank) {
  const at::Tensor window = at::hann_window(2048, pcm.options());
  const at::Tensor z = at::stft(pcm, 2048, 512, 2048, window, true, "reflect", false, true, true);
  return at::log(at::matmul(filterbank, z.abs().pow(2)) + 1e-6);
}

// Waits for the device: reading a value back needs every queued kernel done.
void sync(const at::Tensor& t) { (void)t.sum().item<float>(); }

// Snippets per second of `fn` on a batch of `batch` snippets, over `seconds`.
double rate(const std::function<at::Tensor()>& fn, int64_t batch, double seconds) {
  using clock = std::chrono::steady_clock;
  sync(fn());  // warm-up: plans, allocator, lazy initialisation
  auto t0 = clock::now();
  sync(fn());
  const double one = std::chrono::duration<double>(clock::now() - t0).count();
  const int calls = std::max(1, static_cast<int>(seconds / std::max(one, 1e-6)));
  t0 = clock::now();
  at::Tensor last;
  for (int i = 0; i < calls; ++i) last = fn();
  sync(last);
  const double elapsed = std::chrono::duration<double>(clock::now() - t0).count();
  return static_cast<double>(calls * batch) / elapsed;
}

void row(const at::Device& device, int64_t batch, double seconds) {
  MelSettings settings;
  settings.device = device;
  const MelSpectrogram mel(settings);
  const at::Tensor filterbank = mel.filterbank();
  const std::vector<int64_t> shape =
      batch == 1 ? std::vector<int64_t>{kSamples} : std::vector<int64_t>{batch, kSamples};
  const at::Tensor pcm = (at::rand(shape) * 2 - 1).to(device);

  // Both compute the same thing; a bench of two different things is no bench.
  const double diff = (plain_mel(pcm, filterbank) - mel.compute(pcm).squeeze(-3)).abs().max().item<double>();
  if (diff > 1e-3) {
    std::fprintf(stderr, "plain and MelSpectrogram differ by %g on %s\n", diff, device.str().c_str());
    std::exit(1);
  }

  double plain = 0.0, ours = 0.0;
  for (int r = 0; r < kRounds; ++r) {
    plain = std::max(plain, rate([&] { return plain_mel(pcm, filterbank); }, batch, seconds));
    ours = std::max(ours, rate([&] { return mel.compute(pcm); }, batch, seconds));
  }
  std::printf("| %-6s | %5lld | %14.1f | %14.1f | %5.2f |\n", device.str().c_str(), static_cast<long long>(batch),
              plain, ours, ours / plain);
}

}  // namespace

int main(int argc, char** argv) {
  const double seconds = argc > 1 ? std::atof(argv[1]) : 1.0;
  const bool cuda_only = argc > 2 && std::string(argv[2]) == "--cuda-only";
  if (!(seconds > 0.0) || (argc > 2 && !cuda_only)) {
    std::fprintf(stderr, "usage: %s [seconds per measurement > 0] [--cuda-only]\n", argv[0]);
    return 2;
  }
  at::manual_seed(1);
  std::printf("mel throughput, 3.2 s snippets at 48 kHz, n_fft 2048, hop 512, 96 mels; snippets per second\n");
  std::printf("CPU intra-op threads: %d; CUDA: %s; %g s per measurement, best of %d interleaved rounds\n\n",
              at::get_num_threads(), at::hasCUDA() ? "available" : "not available", seconds, kRounds);
  std::printf("| device | batch | (a) plain      | (b) MelSpectr. | b / a |\n");
  std::printf("|--------|-------|----------------|----------------|-------|\n");
  if (!cuda_only)
    for (int64_t batch : {1, 32}) row(at::kCPU, batch, seconds);
  if (at::hasCUDA())
    for (int64_t batch : {1, 32, 256}) row(at::kCUDA, batch, seconds);
  return at::hasCUDA() || !cuda_only ? 0 : 1;
}
