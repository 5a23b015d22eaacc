// A step with an extra head and loss term: the loss is the weighted sum of
// the terms, the head trains with the model, and checkpoints carry the
// head's weights beside the model's.
#include <torch/torch.h>

#include <catch2/catch.hpp>

#include "libs/model/checkpoint_store.h"
#include "libs/model/contrastive_step.h"
#include "libs/model/multi_tensor_adam.h"
#include "tests/libs/model/test_extensions.h"
#include "tests/support/process.h"
#include "tests/support/tiny_model.h"

using namespace avflow;
using namespace avflow::model;

namespace {

struct Trainer {
  AvModel model{nullptr};
  StepObjective objective;
  std::unique_ptr<MultiTensorAdam> adam;
};

Trainer trainer(const Registry& registry, uint64_t seed) {
  torch::manual_seed(seed);
  Trainer t;
  t.model = AvModel(test::tiny_model_options());
  const ObjectiveNames names{.heads = {"test_pool"}, .terms = {"test_contrastive", "test_head_square"},
                             .weights = {1.0, 0.5}, .settings = {}};
  t.objective = resolve_objective(registry, names, test::tiny_model_options(), {});
  std::vector<at::Tensor> params = t.model->parameters();
  for (const auto& p : t.objective.heads->parameters()) params.push_back(p);
  t.adam = std::make_unique<MultiTensorAdam>(params, torch::optim::AdamOptions(1e-3));
  return t;
}

}  // namespace

TEST_CASE("A step's loss is its terms' weighted sum, and the head trains", "[model][objective][heads]") {
  Registry registry;
  test::add_test_extensions(registry);
  Trainer t = trainer(registry, 8);
  torch::manual_seed(9);
  const at::Tensor clips = torch::randn({4, 3, 4, 32, 32}), mels = torch::randn({4, 1, 32, 40});

  // In training mode batch norm normalises by the batch, so this forward
  // gives the step's own embeddings and head outputs.
  double expected = 0;
  {
    torch::NoGradGuard no_grad;
    const Embeddings z = t.model->forward(clips, mels);
    const at::Tensor pooled =
        t.objective.heads->forward(t.model->video_encoder()->forward(clips), t.model->audio_encoder()->forward(mels))
            .at("test_pool");
    expected = contrastive_loss(z.video, z.audio).item<double>() + 0.5 * pooled.pow(2).mean().item<double>();
  }
  const at::Tensor head_before = t.objective.heads->parameters().front().clone();
  const StepResult r = launch_training_step(t.model, *t.adam, clips, mels, t.objective).wait();
  CHECK(r.loss == Approx(expected).epsilon(1e-5));
  // Each term's value before its weight, as the row reports it.
  REQUIRE(r.values.size() == 2);
  CHECK(r.values.at("loss_test_contrastive") + 0.5 * r.values.at("loss_test_head_square") ==
        Approx(expected).epsilon(1e-5));
  CHECK(r.grad_norm > 0);
  CHECK_FALSE(torch::equal(head_before, t.objective.heads->parameters().front()));
}

TEST_CASE("A weight of 0 removes its term and the head only it reads, exactly", "[model][objective][heads]") {
  Registry registry;
  test::add_test_extensions(registry);
  const ObjectiveNames names{.heads = {"test_pool"}, .terms = {"test_contrastive", "test_head_square"},
                             .weights = {1.0, 0.0}, .settings = {}};
  const StepObjective o = resolve_objective(registry, names, test::tiny_model_options(), {});
  REQUIRE(o.terms.size() == 1);
  CHECK(o.terms[0].name == "test_contrastive");
  CHECK_FALSE(o.has_heads());

  // The step is then the paper's: the same loss and update as Eq. 1 alone.
  torch::manual_seed(3);
  const at::Tensor clips = torch::randn({4, 3, 4, 32, 32}), mels = torch::randn({4, 1, 32, 40});
  auto step = [&](const StepObjective& objective) {
    torch::manual_seed(4);
    AvModel model(test::tiny_model_options());
    MultiTensorAdam adam(model->parameters(), torch::optim::AdamOptions(1e-3));
    const StepResult r = launch_training_step(model, adam, clips, mels, objective).wait();
    return std::make_pair(r, model->parameters().front().clone());
  };
  const auto [with_zero, weights_with_zero] = step(o);
  const auto [alone, weights_alone] = step(contrastive_objective({}));
  CHECK(with_zero.loss == alone.loss);
  CHECK(with_zero.values.empty());
  CHECK(torch::equal(weights_with_zero, weights_alone));
}

TEST_CASE("Checkpoints hold the heads beside the model", "[model][objective][heads][checkpoint]") {
  Registry registry;
  test::add_test_extensions(registry);
  test::TempDir dir;
  Trainer saved = trainer(registry, 1);
  CheckpointStore(dir.path()).save(saved.model, *saved.adam, 1, {}, saved.objective.heads.get());

  Trainer restored = trainer(registry, 2);
  REQUIRE(CheckpointStore(dir.path()).restore_latest(restored.model, *restored.adam, restored.objective.heads.get()));
  const auto a = saved.objective.heads->named_parameters(), b = restored.objective.heads->named_parameters();
  for (const auto& p : a) CHECK(torch::equal(p.value(), b[p.key()]));

  // A checkpoint of the model alone (the paper's objective) has no heads to give.
  test::TempDir plain;
  CheckpointStore(plain.path()).save(saved.model, *saved.adam, 1);
  CHECK_THROWS_WITH(CheckpointStore(plain.path()).restore_latest(restored.model, *restored.adam,
                                                                 restored.objective.heads.get()),
                    Catch::Contains("does not fit this model"));
}
