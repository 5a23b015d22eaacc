#include "libs/model/contrastive_step.h"

#include <numeric>

#include "libs/model/autocast_guard.h"
#include "libs/model/distributed.h"

namespace avflow::model {
namespace {

// The l2 norm of all gradients together, as a tensor on the device: unlike
// clip_grad_norm_, which returns a double, it does not wait for the step.
// One multi-tensor kernel for the per-gradient norms, not one per parameter.
at::Tensor gradient_norm(AvModel& model) {
  std::vector<at::Tensor> grads;
  for (const auto& p : model->parameters())
    if (p.grad().defined()) grads.push_back(p.grad().detach());
  if (grads.empty()) return at::zeros({}, model->parameters().front().options());
  return at::stack(at::_foreach_norm(grads, 2)).norm(2);
}

}  // namespace

StepResult LaunchedStep::wait() const {
  // One copy to the host (one wait) for both numbers.
  const at::Tensor both = at::stack({loss.to(grad_norm.device(), at::kDouble), grad_norm.to(at::kDouble)}).cpu();
  const double* values = both.data_ptr<double>();
  return {.loss = values[0], .grad_norm = values[1], .batch = batch};
}

StepResult contrastive_step(AvModel& model, torch::optim::Optimizer& optimizer, const at::Tensor& clips,
                            const at::Tensor& mels, const ContrastiveLossOptions& loss_options, Distributed* group,
                            std::optional<at::ScalarType> autocast) {
  return launch_contrastive_step(model, optimizer, clips, mels, loss_options, group, autocast).wait();
}

LaunchedStep launch_contrastive_step(AvModel& model, torch::optim::Optimizer& optimizer, const at::Tensor& clips,
                                     const at::Tensor& mels, const ContrastiveLossOptions& loss_options,
                                     Distributed* group, std::optional<at::ScalarType> autocast) {
  Embeddings z = [&] {
    std::optional<AutocastGuard> mixed;
    if (autocast) mixed.emplace(clips.device().type(), *autocast);
    return model->forward(clips, mels);
  }();
  z.video = z.video.to(at::kFloat);  // bf16 under autocast; no copy when already float32
  z.audio = z.audio.to(at::kFloat);
  LaunchedStep result;
  optimizer.zero_grad();
  if (group == nullptr) {
    const at::Tensor loss = contrastive_loss(z.video, z.audio, loss_options);
    loss.backward();
    result.grad_norm = gradient_norm(model);
    result.loss = loss.detach();
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
    // Summed where it was computed: reading it first would wait for the step.
    at::Tensor global = loss.detach().to(at::kDouble).reshape({1});
    group->all_reduce_sum(global, "all-reduce of the loss");
    result.loss = global.squeeze(0);
  }
  optimizer.step();
  return result;
}

}  // namespace avflow::model
