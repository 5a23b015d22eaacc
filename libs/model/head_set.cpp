#include "libs/model/head_set.h"

#include <stdexcept>

namespace avflow::model {

void HeadSetImpl::add(const std::string& name, Encoder encoder, std::shared_ptr<ModelHeadImpl> head) {
  for (const auto& e : heads_)
    if (e.name == name) throw std::invalid_argument("head '" + name + "' named twice");
  heads_.push_back({name, encoder, register_module(name, std::move(head))});
}

void HeadSetImpl::add_term_state(const std::string& term, std::shared_ptr<torch::nn::Module> state) {
  register_module("term_" + term, std::move(state));  // throws on a name taken twice
  ++term_states_;
}

HeadOutputs HeadSetImpl::forward(const at::Tensor& video_features, const at::Tensor& audio_features) {
  HeadOutputs out;
  for (auto& e : heads_)
    out[e.name] = e.head->forward(e.encoder == Encoder::kVideo ? video_features : audio_features);
  return out;
}

}  // namespace avflow::model
