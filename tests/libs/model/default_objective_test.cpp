// train_step's default objective, the registry's "contrastive" term at
// weight 1 with no heads, trains exactly as the step did before loss terms
// existed: the same loss and the same weights after a step, bit for bit.
#include <torch/torch.h>

#include <catch2/catch.hpp>

#include "libs/model/contrastive_step.h"
#include "libs/model/multi_tensor_adam.h"
#include "tests/support/tiny_model.h"

using namespace avflow;
using namespace avflow::model;

namespace {

struct Trained {
  AvModel model{nullptr};
  double loss = 0;
};

Trained fresh() {
  torch::manual_seed(3);
  return {AvModel(test::tiny_model_options()), 0};
}

}  // namespace

TEST_CASE("The default objective is Eq. 1 exactly", "[model][objective]") {
  torch::manual_seed(4);
  const at::Tensor clips = torch::randn({4, 3, 4, 32, 32}), mels = torch::randn({4, 1, 32, 40});
  const ContrastiveLossOptions similarity{};

  // The step as written before objectives: forward, Eq. 1, backward, Adam.
  Trained before = fresh();
  {
    MultiTensorAdam adam(before.model->parameters(), torch::optim::AdamOptions(1e-3));
    const Embeddings z = before.model->forward(clips, mels);
    adam.zero_grad();
    const at::Tensor loss = contrastive_loss(z.video.to(at::kFloat), z.audio.to(at::kFloat), similarity);
    loss.backward();
    adam.step();
    before.loss = loss.item<double>();
  }

  Trained now = fresh();
  {
    const ObjectiveNames names{.heads = {}, .terms = {"contrastive"}, .weights = {1.0}, .settings = {}};
    const StepObjective objective =
        resolve_objective(Registry::global(), names, test::tiny_model_options(), similarity);
    MultiTensorAdam adam(now.model->parameters(), torch::optim::AdamOptions(1e-3));
    now.loss = launch_training_step(now.model, adam, clips, mels, objective).wait().loss;
  }

  CHECK(now.loss == before.loss);
  const auto a = before.model->named_parameters(), b = now.model->named_parameters();
  REQUIRE(a.size() == b.size());
  for (const auto& p : a) CHECK(torch::equal(p.value(), b[p.key()]));
}
