#include "libs/model/contrastive_step.h"

#include <numeric>
#include <stdexcept>

#include "libs/model/autocast_guard.h"
#include "libs/model/distributed.h"

namespace avflow::model {
namespace {

// The l2 norm of all gradients together, as a tensor on the device: unlike
// clip_grad_norm_, which returns a double, it does not wait for the step.
// One multi-tensor kernel for the per-gradient norms, not one per parameter.
at::Tensor gradient_norm(AvModel& model, const StepObjective& objective) {
  std::vector<at::Tensor> params = model->parameters();
  if (objective.has_heads())
    for (const auto& p : objective.heads->parameters()) params.push_back(p);
  std::vector<at::Tensor> grads;
  for (const auto& p : params)
    if (p.grad().defined()) grads.push_back(p.grad().detach());
  if (grads.empty()) return at::zeros({}, params.front().options());
  return at::stack(at::_foreach_norm(grads, 2)).norm(2);
}

// The embeddings, and the heads' outputs from the same feature maps.
Embeddings forward_with_heads(AvModel& model, HeadSet heads, const at::Tensor& clips, const at::Tensor& mels,
                              HeadOutputs& outputs) {
  if (clips.size(0) != mels.size(0))
    throw std::invalid_argument("model: " + std::to_string(clips.size(0)) + " clips but " +
                                std::to_string(mels.size(0)) + " mel images");
  const at::Tensor video = model->video_encoder()->forward(clips), audio = model->audio_encoder()->forward(mels);
  outputs = heads->forward(video, audio);
  return {model->video_projection()->forward(video), model->audio_projection()->forward(audio)};
}

// The weighted sum of the terms; a weight of 1 multiplies nothing, so Eq. 1
// alone is computed exactly as contrastive_loss computes it. With several
// terms or heads, `values` gets each term's value and what it observes.
at::Tensor objective_loss(const StepObjective& objective, LossInputs& in, StepValues& values) {
  const bool report = objective.terms.size() > 1 || objective.has_heads();
  at::Tensor total;
  for (const auto& t : objective.terms) {
    in.settings = &t.settings;
    in.state = t.state.get();
    at::Tensor part = t.term->compute_observed(in, values);
    if (report) values["loss_" + t.name] = part.detach().to(at::kFloat);
    if (t.weight != 1.0) part = part * t.weight;
    total = total.defined() ? total + part : part;
  }
  return total;
}

// The terms' states take in this step (after backward: the queues the loss
// read are still as it read them).
void update_term_states(const StepObjective& objective, LossInputs& in) {
  for (const auto& t : objective.terms) {
    if (!t.state) continue;
    in.settings = &t.settings;
    in.state = t.state.get();
    t.term->update(in);
  }
}

// Each rank's values (means over its rows) weighted by its share of the
// batch and summed over the ranks, in one collective.
void sum_over_ranks(StepValues& values, double share, Distributed& group) {
  if (values.empty()) return;
  std::vector<at::Tensor> parts;
  for (const auto& [name, v] : values) parts.push_back(v.to(at::kDouble).reshape({1}) * share);
  at::Tensor packed = at::cat(parts);
  group.all_reduce_sum(packed, "all-reduce of the loss terms' values");
  int64_t i = 0;
  for (auto& [name, v] : values) v = packed[i++];
}

}  // namespace

StepResult LaunchedStep::wait() const {
  // One copy to the host (one wait) for all the numbers.
  std::vector<at::Tensor> numbers{loss.to(grad_norm.device(), at::kDouble), grad_norm.to(at::kDouble)};
  for (const auto& [name, v] : values) numbers.push_back(v.to(grad_norm.device(), at::kDouble).reshape({}));
  const at::Tensor all = at::stack(numbers).cpu();
  const double* read = all.data_ptr<double>();
  StepResult r{.loss = read[0], .grad_norm = read[1], .batch = batch};
  size_t i = 2;
  for (const auto& [name, v] : values) r.values[name] = read[i++];
  return r;
}

StepResult contrastive_step(AvModel& model, torch::optim::Optimizer& optimizer, const at::Tensor& clips,
                            const at::Tensor& mels, const ContrastiveLossOptions& loss_options, Distributed* group,
                            std::optional<at::ScalarType> autocast) {
  return launch_contrastive_step(model, optimizer, clips, mels, loss_options, group, autocast).wait();
}

LaunchedStep launch_contrastive_step(AvModel& model, torch::optim::Optimizer& optimizer, const at::Tensor& clips,
                                     const at::Tensor& mels, const ContrastiveLossOptions& loss_options,
                                     Distributed* group, std::optional<at::ScalarType> autocast) {
  return launch_training_step(model, optimizer, clips, mels, contrastive_objective(loss_options), {}, group, autocast);
}

LaunchedStep launch_training_step(AvModel& model, torch::optim::Optimizer& optimizer, const at::Tensor& clips,
                                  const at::Tensor& mels, const StepObjective& objective, const Labels& labels,
                                  Distributed* group, std::optional<at::ScalarType> autocast) {
  if (objective.terms.empty()) throw std::invalid_argument("a training step needs at least one loss term");
  HeadSet heads = objective.heads;  // a handle: the same modules
  LossInputs in;
  Embeddings z = [&] {
    std::optional<AutocastGuard> mixed;
    if (autocast) mixed.emplace(clips.device().type(), *autocast);
    if (!objective.has_heads()) return model->forward(clips, mels);
    return forward_with_heads(model, heads, clips, mels, in.heads);
  }();
  z.video = z.video.to(at::kFloat);  // bf16 under autocast; no copy when already float32
  z.audio = z.audio.to(at::kFloat);
  for (auto& [name, output] : in.heads) output = output.to(at::kFloat);
  in.labels = labels;
  in.similarity = objective.similarity;
  LaunchedStep result;
  optimizer.zero_grad();
  if (group == nullptr) {
    in.video = z.video;
    in.audio = z.audio;
    const at::Tensor loss = objective_loss(objective, in, result.values);
    loss.backward();
    update_term_states(objective, in);
    result.grad_norm = gradient_norm(model, objective);
    result.loss = loss.detach();
    result.batch = clips.size(0);
  } else {
    const std::vector<int64_t> counts = group->all_gather(z.video.size(0), "all-gather of batch sizes");
    result.batch = std::accumulate(counts.begin(), counts.end(), int64_t{0});
    AnchorRows own;
    own.first = std::accumulate(counts.begin(), counts.begin() + group->rank(), int64_t{0});
    own.count = counts[group->rank()];
    in.video = group->all_gather_rows(z.video, counts);
    in.audio = group->all_gather_rows(z.audio, counts);
    in.own = own;
    const double share = static_cast<double>(own.count) / static_cast<double>(result.batch);
    const at::Tensor loss = objective_loss(objective, in, result.values) * share;
    loss.backward();
    update_term_states(objective, in);
    sum_over_ranks(result.values, share, *group);
    group->all_reduce_gradients(*model);
    if (objective.has_heads()) group->all_reduce_gradients(*heads);
    result.grad_norm = gradient_norm(model, objective);
    // Summed where it was computed: reading it first would wait for the step.
    at::Tensor global = loss.detach().to(at::kDouble).reshape({1});
    group->all_reduce_sum(global, "all-reduce of the loss");
    result.loss = global.squeeze(0);
  }
  optimizer.step();
  return result;
}

}  // namespace avflow::model
