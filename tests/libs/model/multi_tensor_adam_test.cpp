// MultiTensorAdam takes the same steps as torch::optim::Adam (weight decay,
// a parameter without a gradient, parameters at different steps) and shares
// its state, so either loads the other's checkpoint.
#include <torch/torch.h>

#include <catch2/catch.hpp>

#include <sstream>

#include "libs/model/multi_tensor_adam.h"

using avflow::model::MultiTensorAdam;

namespace {

struct Net : torch::nn::Module {
  Net() {
    conv = register_module("conv", torch::nn::Conv2d(torch::nn::Conv2dOptions(3, 4, 3)));
    linear = register_module("linear", torch::nn::Linear(4, 2));
    spare = register_parameter("spare", torch::randn({5}));  // never in the loss
  }
  at::Tensor forward(const at::Tensor& x) { return linear(conv(x).mean({2, 3})); }
  torch::nn::Conv2d conv{nullptr};
  torch::nn::Linear linear{nullptr};
  at::Tensor spare;
};

// Steps `optimizer` over `net` on fixed data; on step 2 the linear layer
// gets no gradient, so its state falls a step behind the convolution's.
void train(Net& net, torch::optim::Optimizer& optimizer, int steps, int first = 0) {
  for (int s = first; s < first + steps; ++s) {
    torch::manual_seed(100 + s);
    const at::Tensor x = torch::randn({4, 3, 6, 6});
    optimizer.zero_grad();
    net.forward(x).pow(2).sum().backward();
    if (s == 2)
      for (auto& p : net.linear->parameters()) p.mutable_grad() = at::Tensor();
    optimizer.step();
  }
}

void check_same(Net& a, Net& b) {
  const auto theirs = b.named_parameters();
  for (const auto& p : a.named_parameters()) {
    INFO(p.key());
    CHECK(torch::allclose(p.value(), theirs[p.key()], /*rtol=*/1e-6, /*atol=*/1e-7));
  }
}

std::unique_ptr<Net> net(uint64_t seed) {
  torch::manual_seed(seed);
  return std::make_unique<Net>();
}

}  // namespace

TEST_CASE("MultiTensorAdam steps as torch::optim::Adam does", "[model][optimizer]") {
  const auto options = torch::optim::AdamOptions(1e-2).weight_decay(0.01).betas({0.8, 0.95});
  auto reference = net(1), ours = net(1);
  torch::optim::Adam adam(reference->parameters(), options);
  MultiTensorAdam multi(ours->parameters(), options);
  train(*reference, adam, 5);
  train(*ours, multi, 5);
  check_same(*ours, *reference);
  // The parameters moved, and the one without a gradient did not.
  CHECK_FALSE(torch::equal(ours->conv->weight, net(1)->conv->weight));
  CHECK(torch::equal(ours->spare, net(1)->spare));
}

TEST_CASE("MultiTensorAdam and torch::optim::Adam continue each other's checkpoints", "[model][optimizer]") {
  const auto options = torch::optim::AdamOptions(5e-3);
  auto reference = net(2), ours = net(2);
  torch::optim::Adam adam(reference->parameters(), options);
  train(*reference, adam, 6);

  torch::optim::Adam first_half_adam(ours->parameters(), options);
  train(*ours, first_half_adam, 3);
  std::stringstream saved;
  torch::save(first_half_adam, saved);
  MultiTensorAdam second_half(ours->parameters(), options);
  torch::load(second_half, saved);
  train(*ours, second_half, 3, 3);
  check_same(*ours, *reference);
}
