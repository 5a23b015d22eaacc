// A head and loss terms for the objective tests, registered in a test's own
// Registry as a plugin's would be in the global one.
#pragma once

#include <ATen/ATen.h>
#include <torch/nn/modules/linear.h>

#include "engine/registrar.h"
#include "libs/model/contrastive_term.h"
#include "libs/model/model_head.h"

namespace avflow::test {

// test_pool: the video features pooled over time and space, then a linear
// map to 2 outputs.
class PoolHeadImpl final : public model::ModelHeadImpl {
 public:
  explicit PoolHeadImpl(int64_t channels) : linear_(register_module("linear", torch::nn::Linear(channels, 2))) {}
  at::Tensor forward(const at::Tensor& features) override { return linear_->forward(features.mean({2, 3, 4})); }

 private:
  torch::nn::Linear linear_;
};

class PoolHead final : public model::ModelHeadFactory {
 public:
  model::Encoder encoder() const override { return model::Encoder::kVideo; }
  std::shared_ptr<model::ModelHeadImpl> make(const model::HeadShape& shape) const override {
    return std::make_shared<PoolHeadImpl>(shape.channels);
  }
};

// test_head_square: the mean square of test_pool's outputs.
class HeadSquare final : public model::LossTerm {
 public:
  at::Tensor compute(const model::LossInputs& in) const override { return in.heads.at("test_pool").pow(2).mean(); }
  std::vector<std::string> heads() const override { return {"test_pool"}; }
};

// test_contrastive: Eq. 1, under a name of its own.
class Contrastive final : public model::LossTerm {
 public:
  at::Tensor compute(const model::LossInputs& in) const override { return model::contrastive_term().compute(in); }
};

inline void add_test_extensions(Registry& registry) {
  Registrar r("test");
  r.add_extension<model::ModelHeadFactory>("model_head", "test_pool", "pooled video, linear", std::make_shared<const PoolHead>());
  r.add_extension<model::LossTerm>("loss_term", "test_head_square", "test_pool squared", std::make_shared<const HeadSquare>());
  r.add_extension<model::LossTerm>("loss_term", "test_contrastive", "Eq. 1", std::make_shared<const Contrastive>());
  for (auto& e : r.staged_extensions()) registry.add_extension(std::move(e));
}

}  // namespace avflow::test
