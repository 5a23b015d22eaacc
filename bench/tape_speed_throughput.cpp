// Tape speed-up (temporal self-supervision's audio playback speed): 3.2 s of
// 48 kHz mono per clip, s x 3.2 s of PCM in. tape_speed_up's direct
// decimating filter against the same filter as a strided at::conv1d, the
// composition it replaced, in clips per second on one thread, and their ratio.
//
//   bench_tape_speed_throughput [reps]
#include <ATen/ATen.h>
#include <ATen/Parallel.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <functional>

#include "libs/audio/tape_speed.h"

namespace {

double clips_per_second(int reps, const std::function<at::Tensor()>& run) {
  run();  // warm up
  const auto start = std::chrono::steady_clock::now();
  for (int i = 0; i < reps; ++i) run();
  return reps / std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
}

}  // namespace

int main(int argc, char** argv) {
  const int reps = argc > 1 ? std::atoi(argv[1]) : 20;
  at::set_num_threads(1);
  constexpr int64_t kOut = 48000 * 16 / 5;  // 3.2 s
  std::printf("| speed s | at::conv1d, stride s (clips/s) | tape_speed_up (clips/s) | ratio |\n|---|---|---|---|\n");
  for (int64_t s : {2, 4, 8}) {
    const at::Tensor pcm = at::randn({s * kOut});
    const at::Tensor h = avflow::audio::speed_up_filter(s).to(at::kFloat).view({1, 1, -1});
    const double conv = clips_per_second(reps, [&] {
      return at::conv1d(pcm.view({1, 1, -1}), h, {}, s, (h.size(-1) - 1) / 2).narrow(-1, 0, kOut).contiguous();
    });
    const double direct = clips_per_second(reps, [&] { return avflow::audio::tape_speed_up(pcm, s, kOut); });
    std::printf("| %lld | %.1f | %.1f | %.2f |\n", static_cast<long long>(s), conv, direct, direct / conv);
  }
  return 0;
}
