// One optimisation step of contrastive pretraining, on one process or as one
// rank of a distributed run; train_step runs it, and so do the tests.
//
// Alone (group null): embed the batch, the loss of Eq. 1 over all of it,
// backward, optimiser step.
// Distributed: each rank holds its part of the global batch (the sampler's
// share: rank r has rows [r B / W, (r + 1) B / W)) and
//   1. embeds it (batch norm over the global batch: sync_batch_norm.h),
//   2. all-gathers the video and audio embeddings, with gradients, so every
//      anchor meets the negatives of the whole batch,
//   3. takes the loss over its own anchor rows (AnchorRows) scaled by
//      rows / B, so the ranks' losses add up to the loss of the global batch,
//   4. backward, sums the gradients over ranks, and steps.
// Every rank then holds the global batch's gradient and applies the same
// update, so the replicas stay identical: W processes with B / W rows each
// train as one process with B rows.
#pragma once

#include <torch/optim/optimizer.h>

#include <map>
#include <optional>
#include <string>

#include "libs/model/av_model.h"
#include "libs/model/contrastive_loss.h"
#include "libs/model/step_objective.h"

namespace avflow::model {

class Distributed;

struct StepResult {
  double loss = 0;       // of the global batch
  double grad_norm = 0;  // l2 norm of the global batch's gradient (before the step)
  int64_t batch = 0;     // B: clips over all ranks
  // With several loss terms or heads: each term's value before its weight
  // ("loss_<term>") and what the terms observe (LossTerm::observe), of the
  // global batch.
  std::map<std::string, double> values;
};

// A step queued on the model's device. On CUDA the kernels may still be
// running when launch_contrastive_step returns: reading the loss waits for
// them, so a caller that reads it later lets the CPU prepare the next batch
// meanwhile (train_step's `overlap`). On the CPU the step has finished.
struct LaunchedStep {
  at::Tensor loss;       // 0-dim float32 on the device
  at::Tensor grad_norm;  // 0-dim float32 on the device
  int64_t batch = 0;
  StepValues values;     // 0-dim each, on the device
  StepResult wait() const;  // reads them all: waits for the step
};

// clips [n, 3, T, H, W] and mels [n, 1, F, T] on the model's device: this
// process's n clips. `model` is in training mode; with a group it must have
// been replicated (Distributed::replicate). `autocast` (e.g. bf16): the
// forward pass runs under autocast on the clips' device; the embeddings are
// taken to float32 for the loss, and the weights and their updates stay
// float32.
StepResult contrastive_step(AvModel& model, torch::optim::Optimizer& optimizer, const at::Tensor& clips,
                            const at::Tensor& mels, const ContrastiveLossOptions& loss_options,
                            Distributed* group = nullptr, std::optional<at::ScalarType> autocast = std::nullopt);

// The same step without waiting for it (alone; a distributed step waits for
// its collectives inside).
LaunchedStep launch_contrastive_step(AvModel& model, torch::optim::Optimizer& optimizer, const at::Tensor& clips,
                                     const at::Tensor& mels, const ContrastiveLossOptions& loss_options,
                                     Distributed* group = nullptr,
                                     std::optional<at::ScalarType> autocast = std::nullopt);

// The step with any objective (step_objective.h): the loss is the weighted
// sum of its terms, over the embeddings and its heads' outputs (the heads
// read the encoders' feature maps in the same forward pass, and their
// gradients are summed over ranks with the model's); `labels` are this
// process's rows. The optimizer holds the heads' parameters too. With
// contrastive_objective(o) it is launch_contrastive_step(..., o, ...).
LaunchedStep launch_training_step(AvModel& model, torch::optim::Optimizer& optimizer, const at::Tensor& clips,
                                  const at::Tensor& mels, const StepObjective& objective, const Labels& labels = {},
                                  Distributed* group = nullptr,
                                  std::optional<at::ScalarType> autocast = std::nullopt);

}  // namespace avflow::model
