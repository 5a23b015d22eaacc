// Evaluation throughput: multi-view test views per second of the classify
// operator's computation (a classifier forward pass in evaluation mode
// without gradients, then softmax), for the video classifier at the paper's
// test shape (3 x 32 x 158 x 158, R(2+1)D-18) and the audio classifier
// (1 x 96 x 281, ResNet-18), a tiny variant of each, one view per pass
// against a file's views in one pass (30 video, 10 audio), on the CPU (and
// CUDA, float32 and bf16 autocast, where present).
//
//   build-release/bench/bench_eval_views [seconds per row] [--full]
//
// Without --full the paper-size video rows are left out on the CPU (a view
// takes seconds there).
#include <torch/torch.h>

#include <chrono>
#include <cstdio>
#include <cstring>
#include <optional>
#include <string>
#include <vector>

#include "libs/device/device.h"
#include "libs/model/autocast_guard.h"
#include "libs/model/classifier.h"

using namespace avflow::model;

namespace {

struct Row {
  std::string name;
  std::string modality;
  int64_t width, blocks;
  std::vector<int64_t> view;  // one view's shape
  int64_t batch;
  bool bf16 = false;
};

double views_per_second(const Row& r, const at::Device& device, double seconds) {
  torch::manual_seed(0);
  Classifier c(ClassifierOptions{.modality = r.modality,
                                 .encoder = {.width = r.width, .blocks = std::vector<int64_t>(4, r.blocks)},
                                 .classes = 101});
  c->to(device);
  c->eval();
  std::vector<int64_t> shape = {r.batch};
  shape.insert(shape.end(), r.view.begin(), r.view.end());
  const auto input = torch::randn(shape, device);
  auto pass = [&] {
    torch::NoGradGuard no_grad;
    std::optional<AutocastGuard> autocast;
    if (r.bf16) autocast.emplace(device.type(), at::kBFloat16);
    return torch::softmax(c->forward(input), 1).sum().item<double>();
  };
  pass();  // warm-up
  int64_t passes = 0;
  const auto start = std::chrono::steady_clock::now();
  double elapsed = 0;
  while (elapsed < seconds || passes < 2) {
    pass();
    ++passes;
    elapsed = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  }
  return static_cast<double>(passes * r.batch) / elapsed;
}

}  // namespace

int main(int argc, char** argv) {
  double seconds = 3.0;
  bool full = false;
  for (int i = 1; i < argc; ++i) {
    if (std::strcmp(argv[i], "--full") == 0) full = true;
    else seconds = std::stod(argv[i]);
  }
  const std::vector<int64_t> video{3, 32, 158, 158}, tiny_video{3, 8, 64, 64}, audio{1, 96, 281};
  std::vector<std::pair<at::Device, std::vector<Row>>> plans;
  std::vector<Row> cpu = {{"tiny video (width 8), 1 view", "video", 8, 1, tiny_video, 1},
                          {"tiny video (width 8), 30 views", "video", 8, 1, tiny_video, 30},
                          {"audio ResNet-18, 1 view", "audio", 64, 2, audio, 1},
                          {"audio ResNet-18, 10 views", "audio", 64, 2, audio, 10}};
  if (full) {
    cpu.push_back({"video R(2+1)D-18, 1 view", "video", 64, 2, video, 1});
    cpu.push_back({"video R(2+1)D-18, 30 views", "video", 64, 2, video, 30});
  }
  plans.push_back({at::Device(at::kCPU), cpu});
  if (torch::cuda::is_available()) {
    plans.push_back({at::Device(at::kCUDA),
                     {{"video R(2+1)D-18, 1 view", "video", 64, 2, video, 1},
                      {"video R(2+1)D-18, 30 views", "video", 64, 2, video, 30},
                      {"video R(2+1)D-18, 30 views, bf16", "video", 64, 2, video, 30, true},
                      {"audio ResNet-18, 10 views", "audio", 64, 2, audio, 10},
                      {"audio ResNet-18, 10 views, bf16", "audio", 64, 2, audio, 10, true}}});
  }
  std::printf("%-6s %-38s %12s %12s\n", "device", "classifier, views per pass", "views/s", "vs 1 view");
  for (const auto& [device, rows] : plans) {
    double single = 0;
    std::string single_of;
    for (const auto& r : rows) {
      const double rate = views_per_second(r, device, seconds);
      const std::string model = r.name.substr(0, r.name.find(','));
      if (r.batch == 1) {
        single = rate;
        single_of = model;
      }
      char ratio[32] = "-";
      if (r.batch > 1 && single > 0 && single_of == model) std::snprintf(ratio, sizeof ratio, "%.2fx", rate / single);
      std::printf("%-6s %-38s %12.1f %12s\n", device.str().c_str(), r.name.c_str(), rate, ratio);
      std::fflush(stdout);
    }
  }
  return 0;
}
