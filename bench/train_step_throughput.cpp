// Training step throughput: clips per second of forward, Eq. 1 loss,
// backward and an Adam step, for the model at a few sizes and input shapes,
// on the CPU (and CUDA where present). The paper's shapes are video
// 3 x 16 x 158 x 158 and audio 1 x 96 x 301; `tiny` is the quickstart model.
//
//   build-release/bench/bench_train_step_throughput [seconds per row]
#include <torch/torch.h>

#include <chrono>
#include <optional>
#include <cstdio>
#include <string>
#include <thread>
#include <vector>

#include "operators/common/device.h"
#include "operators/model/av_model.h"
#include "operators/model/contrastive_step.h"
#include "runtime/heap_tuning.h"

using namespace avflow::model;

namespace {

struct Row {
  std::string name;
  int64_t width, blocks, dim, batch, frames, crop;
  bool tuned_heap = true;  // runtime/heap_tuning.h, as avflow runs
  bool bf16 = false;       // forward under bf16 autocast (train_step precision = bf16)
};

double clips_per_second(const Row& r, const at::Device& device, double seconds) {
  avflow::cli::keep_large_blocks_in_heap(r.tuned_heap);
  torch::manual_seed(0);
  ModelOptions o;
  o.video = {.width = r.width, .blocks = std::vector<int64_t>(4, r.blocks)};
  o.audio = {.width = r.width, .blocks = std::vector<int64_t>(4, r.blocks)};
  o.embedding_dim = r.dim;
  AvModel model(o);
  model->to(device);
  torch::optim::Adam adam(model->parameters(), torch::optim::AdamOptions(1e-3));
  const auto video = torch::randn({r.batch, 3, r.frames, r.crop, r.crop}, device);
  const auto audio = torch::randn({r.batch, 1, 96, 301}, device);
  const std::optional<at::ScalarType> autocast = r.bf16 ? std::optional(at::kBFloat16) : std::nullopt;
  auto step = [&] { return contrastive_step(model, adam, video, audio, {}, nullptr, autocast).loss; };
  step();  // warm-up
  int64_t steps = 0;
  const auto start = std::chrono::steady_clock::now();
  double elapsed = 0;
  while (elapsed < seconds || steps < 2) {
    step();
    ++steps;
    elapsed = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  }
  return static_cast<double>(steps * r.batch) / elapsed;
}

}  // namespace

int main(int argc, char** argv) {
  const double seconds = argc > 1 ? std::stod(argv[1]) : 5.0;
  at::set_num_threads(static_cast<int>(std::thread::hardware_concurrency()));
  std::vector<Row> rows = {
      {"tiny, 16 x 158, glibc", 8, 1, 64, 16, 16, 158, false},
      {"tiny, 16 x 158", 8, 1, 64, 16, 16, 158},
      {"tiny, 16 x 112", 8, 1, 64, 16, 16, 112},
      {"tiny, 8 x 112", 8, 1, 64, 16, 8, 112},
      {"paper size, 16 x 158", 64, 2, 512, 4, 16, 158},
  };
  std::printf("torch threads: %d\n", at::get_num_threads());
  std::printf("%-26s %-6s %10s\n", "model, input", "device", "clips/s");
  std::vector<at::Device> devices{at::kCPU};
  if (avflow::ops::cuda_available()) devices.emplace_back(at::kCUDA);
  for (const auto& device : devices) {
    std::vector<Row> device_rows = rows;
    if (device.is_cuda()) {  // the paper's GPU setting; bf16 on a CPU without bf16 units is slow
      Row mixed = rows.back();
      mixed.name = "paper size, bf16";
      mixed.bf16 = true;
      device_rows.push_back(mixed);
      // The batch bench/reference/train_step_reference.py is run at by scripts/gpu-check.sh.
      for (const bool bf16 : {false, true}) {
        Row big = rows.back();
        big.name = bf16 ? "paper size, B = 64, bf16" : "paper size, B = 64";
        big.batch = 64;
        big.bf16 = bf16;
        device_rows.push_back(big);
      }
    }
    for (const Row& r : device_rows)
      std::printf("%-26s %-6s %10.2f\n", r.name.c_str(), device.str().c_str(), clips_per_second(r, device, seconds));
  }
  return 0;
}
