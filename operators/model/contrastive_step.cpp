#include "operators/model/contrastive_step.h"

#include <torch/nn/utils/clip_grad.h>

#include <limits>
#include <numeric>

#include "operators/model/autocast_guard.h"
#include "operators/model/distributed.h"

namespace avflow::model {
namespace {

double gradient_norm(AvModel& model) {
  return torch::nn::utils::clip_grad_norm_(model->parameters(), std::numeric_limits<double>::infinity());
}

}  // namespace

StepResult contrastive_step(AvModel& model, torch::optim::Optimizer& optimizer, const at::Tensor& clips,
                            const at::Tensor& mels, const ContrastiveLossOptions& loss_options, Distributed* group,
                            std::optional<at::ScalarType> autocast) {
  Embeddings z = [&] {
    std::optional<AutocastGuard> mixed;
    if (autocast) mixed.emplace(clips.device().type(), *autocast);
    return model->forward(clips, mels);
  }();
  z.video = z.video.to(at::kFloat);  // bf16 under autocast; no copy when already float32
  z.audio = z.audio.to(at::kFloat);
  StepResult result;
  optimizer.zero_grad();
  if (group == nullptr) {
    const at::Tensor loss = contrastive_loss(z.video, z.audio, loss_options);
    loss.backward();
    result.grad_norm = gradient_norm(model);
    result.loss = loss.item<double>();
    result.batch = clips.size(0);
  } else {
    const std::vector<int64_t> counts = group->all_gather(z.video.size(0), "all-gather of batch sizes");
    result.batch = std::accumulate(counts.begin(), counts.end(), int64_t{0});
    AnchorRows own;
    own.first = std::accumulate(counts.begin(), counts.begin() + group->rank(), int64_t{0});
    own.count = counts[group->rank()];
    const at::Tensor all_video = group->all_gather_rows(z.video, counts);
    const at::Tensor all_audio = group->all_gather_rows(z.audio, counts);
    const double share = static_cast<double>(own.count) / static_cast<double>(result.batch);
    const at::Tensor loss = contrastive_loss(all_video, all_audio, loss_options, own) * share;
    loss.backward();
    group->all_reduce_gradients(*model);
    result.grad_norm = gradient_norm(model);
    result.loss = group->all_reduce_sum(loss.item<double>(), "all-reduce of the loss");
  }
  optimizer.step();
  return result;
}

}  // namespace avflow::model
