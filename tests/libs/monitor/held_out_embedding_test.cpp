// The KL monitor measures a copy of the model (a ModelSnapshot) in
// evaluation mode without gradients: the trained model's parameters, batch
// norm statistics and mode stay bit-identical, and so do the copy's.
#include <torch/torch.h>

#include <catch2/catch.hpp>
#include <map>
#include <string>

#include "libs/model/av_model.h"
#include "libs/model/model_snapshot.h"
#include "libs/monitor/held_out_embedding.h"
#include "libs/monitor/kl_measures.h"
#include "libs/monitor/similarity_sets.h"
#include "tests/support/tiny_model.h"

namespace {

using avflow::model::AvModel;
using avflow::monitor::HeldOutSample;

AvModel tiny_model() {
  torch::manual_seed(3);
  return AvModel(avflow::test::tiny_model_options());
}

// One training step's worth of forward passes, so the running statistics
// are not their initial values (a copy of fresh buffers proves little).
void move_batch_norm_statistics(AvModel& model) {
  model->train();
  torch::NoGradGuard no_grad;
  model->forward(torch::randn({4, 3, 4, 32, 32}), torch::randn({4, 1, 32, 40}));
}

HeldOutSample sample_of(int titles, int per_title) {
  HeldOutSample s;
  torch::manual_seed(11);
  for (int t = 0; t < titles; ++t)
    for (int i = 0; i < per_title; ++i) {
      s.video.push_back(torch::randn({3, 4, 32, 32}) + t);
      s.audio.push_back(torch::randn({1, 32, 40}) + t);
      s.groups.push_back(t);
    }
  return s;
}

std::map<std::string, at::Tensor> state_of(AvModel& model) {
  std::map<std::string, at::Tensor> state;
  for (const auto& p : model->named_parameters(true)) state[p.key()] = p.value().detach().clone();
  for (const auto& b : model->named_buffers(true)) state["buffer " + b.key()] = b.value().clone();
  return state;
}

void require_same_state(AvModel& model, const std::map<std::string, at::Tensor>& before) {
  const auto after = state_of(model);
  REQUIRE(after.size() == before.size());
  for (const auto& [name, tensor] : before) {
    INFO(name);
    REQUIRE(torch::equal(after.at(name), tensor));
  }
}

}  // namespace

TEST_CASE("measuring a snapshot leaves the trained model and the snapshot bit-identical", "[monitor][snapshot]") {
  AvModel trained = tiny_model();
  move_batch_norm_statistics(trained);
  trained->train();
  const auto trained_before = state_of(trained);

  auto snapshot = avflow::model::snapshot_of(trained, 7, 0.5);
  AvModel copy = snapshot->model;
  const auto copy_before = state_of(copy);
  REQUIRE_FALSE(copy->is_training());
  REQUIRE(snapshot->step == 7);

  const HeldOutSample sample = sample_of(3, 4);
  const auto z = avflow::monitor::embed_held_out(*copy, sample, /*batch=*/5);
  REQUIRE(z.video.sizes() == std::vector<int64_t>{12, 16});
  REQUIRE(z.audio.sizes() == std::vector<int64_t>{12, 16});
  const auto measures = avflow::monitor::kl_measures(avflow::monitor::similarity_sets(z.video, z.audio, sample.groups));
  REQUIRE(measures.plus.count == 12);
  REQUIRE(std::isfinite(measures.gap.value));

  require_same_state(trained, trained_before);
  REQUIRE(trained->is_training());
  require_same_state(copy, copy_before);
  REQUIRE_FALSE(copy->is_training());
}

TEST_CASE("a snapshot embeds as the trained model does in evaluation mode", "[monitor][snapshot]") {
  AvModel trained = tiny_model();
  move_batch_norm_statistics(trained);
  auto snapshot = avflow::model::snapshot_of(trained, 1, 0.0);
  const HeldOutSample sample = sample_of(2, 3);
  const auto from_copy = avflow::monitor::embed_held_out(*snapshot->model.ptr(), sample, 4);
  trained->eval();
  const auto from_trained = avflow::monitor::embed_held_out(*trained, sample, 6);
  REQUIRE(torch::allclose(from_copy.video, from_trained.video, 1e-5, 1e-6));
  REQUIRE(torch::allclose(from_copy.audio, from_trained.audio, 1e-5, 1e-6));
}

TEST_CASE("embedding the held-out sample refuses a model in training mode", "[monitor][snapshot]") {
  AvModel trained = tiny_model();
  trained->train();
  REQUIRE_THROWS_WITH(avflow::monitor::embed_held_out(*trained, sample_of(2, 2), 4),
                      Catch::Contains("training mode"));
  trained->eval();
  REQUIRE_THROWS_WITH(avflow::monitor::embed_held_out(*trained, HeldOutSample{}, 4), Catch::Contains("empty"));
}

TEST_CASE("a held-out sample kept in half precision embeds as the float one", "[monitor][snapshot]") {
  // The monitor keeps clips in float16 to halve what the sample holds; they
  // are embedded in float. Inputs from 8-bit frames lose nothing to it;
  // these, random floats, lose about 5e-4 of their size.
  AvModel trained = tiny_model();
  move_batch_norm_statistics(trained);
  trained->eval();
  const HeldOutSample sample = sample_of(2, 3);
  HeldOutSample half = sample;
  for (auto& clip : half.video) clip = clip.to(torch::kHalf);
  for (auto& mel : half.audio) mel = mel.to(torch::kHalf);
  const auto from_float = avflow::monitor::embed_held_out(*trained, sample, 4);
  const auto from_half = avflow::monitor::embed_held_out(*trained, half, 4);
  REQUIRE(from_half.video.scalar_type() == torch::kFloat);
  CHECK(torch::allclose(from_half.video, from_float.video, 1e-2, 1e-2));
  CHECK(torch::allclose(from_half.audio, from_float.audio, 1e-2, 1e-2));
}
