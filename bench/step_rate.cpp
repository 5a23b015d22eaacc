#include "bench/step_rate.h"

#include <torch/optim/adam.h>

#include <chrono>
#include <optional>
#include <vector>

#include "libs/model/av_model.h"
#include "libs/model/channels_last.h"
#include "libs/model/contrastive_step.h"
#include "libs/model/multi_tensor_adam.h"

namespace avflow::bench {

double resident_clips_per_second(const StepShape& s, const at::Device& device, double seconds) {
  using namespace avflow::model;
  torch::manual_seed(0);
  ModelOptions o;
  o.video = {.width = s.width, .blocks = std::vector<int64_t>(4, s.blocks)};
  o.audio = {.width = s.width, .blocks = std::vector<int64_t>(4, s.blocks)};
  o.embedding_dim = s.dim;
  AvModel model(o);
  model->to(device);
  if (device.is_cuda()) at::globalContext().setBenchmarkCuDNN(true);  // as train_step: fixed shapes
  if (s.channels_last) use_channels_last(*model);
  model->train();
  MultiTensorAdam adam(model->parameters(), torch::optim::AdamOptions(1e-3));  // as train_step
  at::Tensor video = at::randn({s.batch, 3, s.frames, s.crop, s.crop}, device);
  at::Tensor audio = at::randn({s.batch, 1, s.mels, s.mel_frames}, device);
  if (s.channels_last) {
    video = to_channels_last(video);
    audio = to_channels_last(audio);
  }
  const std::optional<at::ScalarType> autocast = s.bf16 ? std::optional(at::kBFloat16) : std::nullopt;
  auto step = [&] { return contrastive_step(model, adam, video, audio, {}, nullptr, autocast).loss; };
  for (int i = 0; i < 2; ++i) step();  // warm-up: cuDNN's algorithm search, the allocator's first blocks
  int64_t steps = 0;
  const auto start = std::chrono::steady_clock::now();
  double elapsed = 0;
  while (elapsed < seconds || steps < 2) {
    step();
    ++steps;
    elapsed = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  }
  return static_cast<double>(steps * s.batch) / elapsed;
}

}  // namespace avflow::bench
