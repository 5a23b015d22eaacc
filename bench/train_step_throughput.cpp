// Training step throughput: clips per second of forward, Eq. 1 loss,
// backward and an Adam step, for the model at a few sizes and input shapes,
// on the CPU (and CUDA where present). The paper's shapes are video
// 3 x 16 x 158 x 158 and audio 1 x 96 x 301; `tiny` is the quickstart model.
//
//   build-release/bench/bench_train_step_throughput [seconds per row] [--cuda-only] [--bf16-channels-last]
//                                                   [--batches 128,256,...]
//
// On CUDA the paper-size rows run at B = 64 in both layouts and precisions
// (--bf16-channels-last: that setting alone), then bf16 channels-last at
// each of --batches (default 128,256)
// until one does not fit in the GPU's memory: the largest batch that fits.
// TFLOP/s and MFU count 3 x 165 GFLOP per clip (forward and backward of the
// paper's model) against --peak-tflops (989, an H100 / H200's dense bf16).
#include <torch/torch.h>

#include <cstdio>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "bench/step_rate.h"
#include "libs/device/device.h"
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

constexpr double kPaperGflopPerClip = 3 * 165.0;  // forward + backward (about twice the forward)

bool out_of_memory(const c10::Error& e) {
  const std::string what = e.what_without_backtrace();
  return what.find("out of memory") != std::string::npos;
}

int main(int argc, char** argv) {
  double seconds = 5.0, peak_tflops = 989.0;
  bool cuda_only = false, only_bf16_channels_last = false;
  std::vector<int64_t> big_batches = {128, 256};
  for (int i = 1; i < argc; ++i) {
    const std::string a = argv[i];
    if (a == "--cuda-only") {
      cuda_only = true;
    } else if (a == "--bf16-channels-last") {
      only_bf16_channels_last = true;
    } else if (a == "--batches" && i + 1 < argc) {
      big_batches.clear();
      std::istringstream list(argv[++i]);
      for (std::string b; std::getline(list, b, ',');) big_batches.push_back(std::stoll(b));
    } else if (a == "--peak-tflops" && i + 1 < argc) {
      peak_tflops = std::stod(argv[++i]);
    } else if (i == 1 && a[0] != '-') {
      seconds = std::stod(a);
    } else {
      std::fprintf(stderr, "usage: %s [seconds per row] [--cuda-only] [--bf16-channels-last] [--batches 128,256] [--peak-tflops 989]\n", argv[0]);
      return 2;
    }
  }
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
  std::printf("%-44s %-6s %10s %9s %6s\n", "model, input", "device", "clips/s", "TFLOP/s", "MFU");
  std::vector<at::Device> devices;
  if (!cuda_only) devices.emplace_back(at::kCPU);
  if (avflow::device::cuda_available()) devices.emplace_back(at::kCUDA);
  if (devices.empty()) {
    std::printf("cuda: not measured (no usable GPU)\n");
    return 1;
  }
  for (const auto& device : devices) {
    std::vector<Row> device_rows = rows;
    if (device.is_cuda()) {
      // The paper's GPU setting (bf16; bf16 on a CPU without bf16 units is
      // slow), and the batch bench/reference/train_step_reference.py is run
      // at by scripts/gpu-check.sh, in both memory layouts.
      if (cuda_only) device_rows.clear();
      StepShape mixed = paper;
      mixed.bf16 = true;
      if (!cuda_only) device_rows.push_back({"paper size, bf16", mixed});
      for (const bool channels_last : {false, true})
        for (const bool bf16 : {false, true}) {
          if (only_bf16_channels_last && !(bf16 && channels_last)) continue;
          StepShape big = paper;
          big.batch = 64;
          big.bf16 = bf16;
          big.channels_last = channels_last;
          device_rows.push_back({std::string("paper size, B = 64") + (bf16 ? ", bf16" : "") +
                                     (channels_last ? ", channels-last" : ""),
                                 big});
        }
    }
    if (device.is_cuda())
      for (const int64_t batch : big_batches) {
        StepShape big = paper;
        big.batch = batch;
        big.bf16 = big.channels_last = true;
        device_rows.push_back({"paper size, B = " + std::to_string(batch) + ", bf16, channels-last", big});
      }
    for (const Row& r : device_rows) {
      avflow::cli::keep_large_blocks_in_heap(r.tuned_heap);
      double rate = 0;
      try {
        rate = avflow::bench::resident_clips_per_second(r.shape, device, seconds);
      } catch (const c10::Error& e) {
        if (!device.is_cuda() || !out_of_memory(e)) throw;
        std::printf("%-44s %-6s %10s  (does not fit in the GPU's memory)\n", r.name.c_str(), device.str().c_str(), "-");
        break;  // the batches grow: the next ones do not fit either
      }
      const bool paper_model = r.shape.width == 64 && r.shape.blocks == 2 && r.shape.crop == 158 && r.shape.frames == 16;
      if (paper_model) {
        const double tflops = rate * kPaperGflopPerClip / 1000.0;
        std::printf("%-44s %-6s %10.2f %9.1f %5.1f%%\n", r.name.c_str(), device.str().c_str(), rate, tflops,
                    100.0 * tflops / peak_tflops);
      } else {
        std::printf("%-44s %-6s %10.2f\n", r.name.c_str(), device.str().c_str(), rate);
      }
      std::fflush(stdout);
    }
  }
  return 0;
}
