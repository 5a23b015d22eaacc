// Training step throughput: clips per second of forward, Eq. 1 loss,
// backward and an Adam step, for the model at a few sizes and input shapes,
// on the CPU (and CUDA where present). The paper's shapes are video
// 3 x 16 x 158 x 158 and audio 1 x 96 x 301; `tiny` is the quickstart model.
//
//   build-release/bench/bench_train_step_throughput [seconds per row]
#include <torch/torch.h>

#include <cstdio>
#include <string>
#include <thread>
#include <vector>

#include "bench/step_rate.h"
#include "operators/common/device.h"
#include "runtime/heap_tuning.h"

using avflow::bench::StepShape;

namespace {

struct Row {
  std::string name;
  StepShape shape;
  bool tuned_heap = true;  // runtime/heap_tuning.h, as avflow runs
};

StepShape shape(int64_t width, int64_t blocks, int64_t dim, int64_t batch, int64_t frames, int64_t crop) {
  StepShape s;
  s.width = width;
  s.blocks = blocks;
  s.dim = dim;
  s.batch = batch;
  s.frames = frames;
  s.crop = crop;
  return s;
}

}  // namespace

int main(int argc, char** argv) {
  const double seconds = argc > 1 ? std::stod(argv[1]) : 5.0;
  at::set_num_threads(static_cast<int>(std::thread::hardware_concurrency()));
  const StepShape paper = shape(64, 2, 512, 4, 16, 158);
  std::vector<Row> rows = {
      {"tiny, 16 x 158, glibc", shape(8, 1, 64, 16, 16, 158), false},
      {"tiny, 16 x 158", shape(8, 1, 64, 16, 16, 158)},
      {"tiny, 16 x 112", shape(8, 1, 64, 16, 16, 112)},
      {"tiny, 8 x 112", shape(8, 1, 64, 16, 8, 112)},
      {"paper size, 16 x 158", paper},
  };
  std::printf("torch threads: %d\n", at::get_num_threads());
  std::printf("%-36s %-6s %10s\n", "model, input", "device", "clips/s");
  std::vector<at::Device> devices{at::kCPU};
  if (avflow::ops::cuda_available()) devices.emplace_back(at::kCUDA);
  for (const auto& device : devices) {
    std::vector<Row> device_rows = rows;
    if (device.is_cuda()) {
      // The paper's GPU setting (bf16; bf16 on a CPU without bf16 units is
      // slow), and the batch bench/reference/train_step_reference.py is run
      // at by scripts/gpu-check.sh, in both memory layouts.
      StepShape mixed = paper;
      mixed.bf16 = true;
      device_rows.push_back({"paper size, bf16", mixed});
      for (const bool channels_last : {false, true})
        for (const bool bf16 : {false, true}) {
          StepShape big = paper;
          big.batch = 64;
          big.bf16 = bf16;
          big.channels_last = channels_last;
          device_rows.push_back({std::string("paper size, B = 64") + (bf16 ? ", bf16" : "") +
                                     (channels_last ? ", channels-last" : ""),
                                 big});
        }
    }
    for (const Row& r : device_rows) {
      avflow::cli::keep_large_blocks_in_heap(r.tuned_heap);
      std::printf("%-36s %-6s %10.2f\n", r.name.c_str(), device.str().c_str(),
                  avflow::bench::resident_clips_per_second(r.shape, device, seconds));
    }
  }
  return 0;
}
