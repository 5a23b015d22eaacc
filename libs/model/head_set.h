// The heads of one training run (model_head.h), by name, and the loss terms'
// states (loss_term.h), as one module: its parameters train with the
// model's, and checkpoints hold its weights and buffers beside the model's
// (checkpoint_store.h). Empty for the paper's objective.
#pragma once

#include <torch/nn/module.h>
#include <torch/nn/pimpl.h>

#include <map>
#include <string>
#include <vector>

#include "libs/model/model_head.h"

namespace avflow::model {

using HeadOutputs = std::map<std::string, at::Tensor>;  // head name -> [B, ...]

class HeadSetImpl : public torch::nn::Module {
 public:
  // Throws std::invalid_argument on a name taken twice.
  void add(const std::string& name, Encoder encoder, std::shared_ptr<ModelHeadImpl> head);
  // A loss term's state, as the submodule "term_<name>".
  void add_term_state(const std::string& term, std::shared_ptr<torch::nn::Module> state);
  bool empty() const { return heads_.empty() && !term_states_; }
  // Every head's output from the encoders' feature maps.
  HeadOutputs forward(const at::Tensor& video_features, const at::Tensor& audio_features);

 private:
  struct Entry {
    std::string name;
    Encoder encoder;
    std::shared_ptr<ModelHeadImpl> head;
  };
  std::vector<Entry> heads_;
  int term_states_ = 0;
};
TORCH_MODULE(HeadSet);

}  // namespace avflow::model
