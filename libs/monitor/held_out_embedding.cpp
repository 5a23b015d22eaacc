#include "libs/monitor/held_out_embedding.h"

#include <torch/torch.h>

#include <stdexcept>
#include <string>

namespace avflow::monitor {

HeldOutEmbeddings embed_held_out(model::AvModelImpl& model, const HeldOutSample& sample, int64_t batch) {
  if (model.is_training())
    throw std::logic_error("embed_held_out: the model is in training mode; batch norm would update its statistics");
  if (sample.size() == 0) throw std::invalid_argument("embed_held_out: the held-out sample is empty");
  if (sample.video.size() != sample.size() || sample.audio.size() != sample.size())
    throw std::invalid_argument("embed_held_out: " + std::to_string(sample.video.size()) + " clips, " +
                                std::to_string(sample.audio.size()) + " mel images and " +
                                std::to_string(sample.size()) + " group numbers");
  if (batch < 1) throw std::invalid_argument("embed_held_out: batch must be at least 1");
  const at::Device device = model.parameters().front().device();
  torch::NoGradGuard no_grad;
  std::vector<at::Tensor> video, audio;
  const auto n = static_cast<int64_t>(sample.size());
  for (int64_t start = 0; start < n; start += batch) {
    const int64_t end = std::min(n, start + batch);
    const std::vector<at::Tensor> clips(sample.video.begin() + start, sample.video.begin() + end);
    const std::vector<at::Tensor> mels(sample.audio.begin() + start, sample.audio.begin() + end);
    video.push_back(model.embed_video(at::stack(clips).to(device, at::kFloat)).to(at::kCPU, at::kFloat));
    audio.push_back(model.embed_audio(at::stack(mels).to(device, at::kFloat)).to(at::kCPU, at::kFloat));
  }
  return {at::cat(video), at::cat(audio)};
}

}  // namespace avflow::monitor
