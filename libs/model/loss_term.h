// Loss terms, extension kind "loss_term": the parts of a training step's
// loss. train_step's loss is the sum of the terms named in `loss_terms`,
// each times its weight in `loss_weights`; the default is the built-in
// "contrastive" term alone, Eq. 1 (contrastive_term.cpp).
//
//   class SpeedLoss final : public avflow::model::LossTerm {
//     at::Tensor compute(const LossInputs& in) const override {
//       return at::cross_entropy_loss(in.heads.at("speed"), in.labels.at("speed"));
//     }
//     std::vector<std::string> heads() const override { return {"speed"}; }
//   };
//   AVFLOW_REGISTER_EXTENSION(SpeedLoss, "speed", "cross-entropy of the speed head");
#pragma once

#include <ATen/core/Tensor.h>
#include <torch/nn/module.h>

#include <iomanip>
#include <map>
#include <memory>
#include <sstream>
#include <string>
#include <vector>

#include "engine/extension.h"
#include "libs/model/contrastive_loss.h"

namespace avflow::model {

// Per-clip labels that come with a batch, by name: [B, ...] each.
using Labels = std::map<std::string, at::Tensor>;
// Under this name: the batches on train_step's `labels` input (e.g.
// temporal_transform's, int64 [B, 5]: libs/temporal/clip_labels.h).
inline constexpr const char* kBatchLabels = "labels";

// Numbers of one step by name, 0-dim float tensors without gradient.
using StepValues = std::map<std::string, at::Tensor>;

// A number a term reads, declared once with its default, range and doc:
// train_step's `loss_settings` sets it ("term.name=value"), `avflow check`
// refuses unknown names and values out of range, `avflow ops` lists it.
struct TermSetting {
  std::string name;
  double value = 0;  // the default
  double min = 0, max = 0;
  std::string doc;
};
// A term's settings, every declared one: the default or the graph's value.
using TermSettings = std::map<std::string, double>;

// A setting's value as its messages and `avflow ops` write it (4194304,
// not 4.19e+06).
inline std::string setting_text(double v) {
  std::ostringstream out;
  out << std::setprecision(10) << v;
  return out.str();
}

// What a term's state is built for.
struct TermShape {
  int64_t embedding_dim = 0;  // d of z_v and z_a
  int64_t batch = 0;          // B, clips per step over all ranks; 0: not known before the first step
};

// What a term sees of one step. Embeddings are float32.
struct LossInputs {
  // z_v and z_a [B, d] of the whole batch: in a distributed step, every
  // rank's rows (gathered with their gradient), so anchors meet all
  // negatives.
  at::Tensor video, audio;
  AnchorRows own;  // this process's rows of video and audio
  // This process's rows only: each head's output (float32) and the per-clip
  // labels that came with the batch, by name.
  std::map<std::string, at::Tensor> heads;
  Labels labels;
  ContrastiveLossOptions similarity;  // the trainer's normalize and tau
  // The computing term's own settings (every declared one) and state (null
  // when it keeps none); the step sets both for each term.
  const TermSettings* settings = nullptr;
  torch::nn::Module* state = nullptr;
};

class LossTerm {
 public:
  AVFLOW_EXTENSION_INTERFACE(LossTerm, "loss_term");
  virtual ~LossTerm() = default;
  // A 0-dim float tensor, differentiable: the mean over this process's rows
  // (the step weights it and, when distributed, scales it by this process's
  // share of the batch, so the ranks' parts add up to the batch's loss).
  virtual at::Tensor compute(const LossInputs& in) const = 0;
  // The heads whose outputs it reads: `avflow check` refuses a trainer that
  // does not build them.
  virtual std::vector<std::string> heads() const { return {}; }
  // Whether it reads labels[kBatchLabels]: train_step then takes a labels
  // batch beside each video and audio batch, and refuses to open when its
  // labels input is not connected.
  virtual bool reads_labels() const { return false; }
  // Numbers worth watching beside its value, over this process's rows (a
  // pretext task's accuracy): train_step reports them in its rows, over the
  // global batch when distributed (each rank's weighted by its share).
  virtual void observe(const LossInputs& in, StepValues& out) const {}
  // What the step calls: the value and the observations together. By
  // default compute() then observe(); a term whose observations come from
  // the same intermediate results overrides it to build them once.
  virtual at::Tensor compute_observed(const LossInputs& in, StepValues& out) const {
    at::Tensor value = compute(in);
    observe(in, out);
    return value;
  }
  // The numbers it reads from in.settings (tau, a queue's size...).
  virtual std::vector<TermSetting> settings() const { return {}; }
  // State it keeps from step to step (a queue of past embeddings), as a
  // module whose buffers checkpoints hold beside the heads' weights (and
  // whose parameters, if any, train with them); null: none. Built once per
  // run on the CPU; throws std::invalid_argument for settings that cannot
  // work with the shape (a queue smaller than the batch).
  virtual std::shared_ptr<torch::nn::Module> make_state(const TermShape& shape, const TermSettings& settings) const {
    return nullptr;
  }
  // After the step's backward pass, before the optimiser's update: brings
  // in.state up to date with this step (enqueues its embeddings). In a
  // distributed step in.video and in.audio hold every rank's rows, so every
  // rank's state stays the same.
  virtual void update(const LossInputs& in) const {}

  // What `avflow ops` prints under the term: one line per setting.
  std::vector<std::string> extension_details() const {
    std::vector<std::string> lines;
    for (const auto& s : settings())
      lines.push_back("setting " + s.name + " = " + setting_text(s.value) + " in [" + setting_text(s.min) + ", " +
                      setting_text(s.max) + "]: " + s.doc);
    return lines;
  }
};

}  // namespace avflow::model
