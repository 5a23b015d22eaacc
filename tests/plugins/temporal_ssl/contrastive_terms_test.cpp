// The extended contrastive terms of plugin temporal_ssl against small
// hand-computed values (plain, with transformed clips as negatives, with a
// queue's neighbours as positives), their settings' refusals, and a queue
// that a checkpoint brings back bit for bit so that training goes on alike.
#include <torch/torch.h>

#include <catch2/catch.hpp>
#include <cmath>

#include "libs/model/checkpoint_store.h"
#include "libs/model/contrastive_step.h"
#include "libs/model/loss_term.h"
#include "libs/model/multi_tensor_adam.h"
#include "libs/model/step_objective.h"
#include "tests/plugins/temporal_ssl/temporal_ssl_registry.h"
#include "tests/support/process.h"
#include "tests/support/tiny_model.h"

using namespace avflow;
using namespace avflow::model;
using namespace avflow::test;
using Catch::Matchers::Contains;

namespace {

TermSettings settings(double queue_size, double neighbours, double transformed_negatives) {
  return {{"tau", 0.1},
          {"queue_size", queue_size},
          {"neighbours", neighbours},
          {"transformed_negatives", transformed_negatives}};
}

at::Tensor rows(std::initializer_list<float> values) { return at::tensor(std::vector<float>(values)).view({-1, 2}); }

// Labels [B, 5]: speed class, video reversed, audio reversed, first and end snippet.
at::Tensor labels(std::initializer_list<int64_t> values) {
  return at::tensor(std::vector<int64_t>(values)).view({-1, 5});
}

double l(double x) { return std::log1p(x); }

}  // namespace

TEST_CASE("contrastive_va is InfoNCE between each clip's video and its own audio, both ways", "[temporal][contrastive]") {
  // Unit rows; scores v.a: v0 (0.6, 0), v1 (0.8, 1); at tau 0.1 logits x 10.
  LossInputs in;
  in.video = rows({1, 0, 0, 1});
  in.audio = rows({0.6f, 0.8f, 0, 1});
  in.labels[kBatchLabels] = labels({0, 0, 0, 0, 1, 0, 0, 1, 0, 1});  // clip 1: audio reversed
  const TermSettings plain = settings(0, 5, 0);
  in.settings = &plain;
  // v -> a: log(1 + e^-6), log(1 + e^-2); a -> v: log(1 + e^2), log(1 + e^-10).
  const double v0 = l(std::exp(-6.0)), v1 = l(std::exp(-2.0)), a0 = l(std::exp(2.0)), a1 = l(std::exp(-10.0));
  CHECK(term("contrastive_va").compute(in).item<double>() == Approx(((v0 + v1) / 2 + (a0 + a1) / 2) / 2).epsilon(1e-4));
  // Clip 1's audio plays backwards: a negative, not its positive; clip 1 has
  // none left and drops out of both directions.
  const TermSettings transformed = settings(0, 5, 1);
  in.settings = &transformed;
  CHECK(term("contrastive_va").compute(in).item<double>() == Approx((v0 + a0) / 2).epsilon(1e-4));
  CHECK(term("contrastive_va").reads_labels());
  // v0's most similar audio is a0 (0.6 against 0), v1's is a1 (1 against 0.8).
  StepValues seen;
  term("contrastive_va").observe(in, seen);
  CHECK(seen.at("contrastive_va_accuracy").item<double>() == 1.0);
  in.audio = rows({0, 1, 0.6f, 0.8f});  // swapped: v0 finds a1 (0.6), v1 finds a0 (1)
  term("contrastive_va").observe(in, seen);
  CHECK(seen.at("contrastive_va_accuracy").item<double>() == 0.0);
}

TEST_CASE("contrastive_vv pulls a pair's two clips together unless they play differently", "[temporal][contrastive]") {
  // Two pairs; v0.v1 = 0.8, v0.v2 = 0, v0.v3 = -0.6, v1.v2 = 0.6, v1.v3 = 0, v2.v3 = 0.8.
  LossInputs in;
  in.video = rows({1, 0, 0.8f, 0.6f, 0, 1, -0.6f, 0.8f});
  in.audio = in.video;
  // Pair 0 both at speed class 1, forwards; pair 1 at speed classes 0 and 2.
  in.labels[kBatchLabels] = labels({1, 0, 0, 0, 1, 1, 0, 0, 0, 1, 0, 0, 0, 2, 3, 2, 0, 0, 4, 5});
  const TermSettings plain = settings(0, 5, 0);
  in.settings = &plain;
  // Each anchor against the three others (never itself), its partner at 8.
  const double l0 = l(std::exp(-8.0) + std::exp(-14.0)), l1 = l(std::exp(-2.0) + std::exp(-8.0));
  CHECK(term("contrastive_vv").compute(in).item<double>() == Approx((l0 + l1 + l1 + l0) / 4).epsilon(1e-4));
  // Pair 1's clips play at different speeds: each the other's negative, so
  // pair 1 has no positive and only pair 0's anchors count.
  const TermSettings transformed = settings(0, 5, 1);
  in.settings = &transformed;
  CHECK(term("contrastive_vv").compute(in).item<double>() == Approx((l0 + l1) / 2).epsilon(1e-4));
  // Every clip's most similar other clip is its partner (0.8 each), itself left out.
  StepValues seen;
  term("contrastive_vv").observe(in, seen);
  CHECK(seen.at("contrastive_vv_accuracy").item<double>() == 1.0);
}

TEST_CASE("with a queue, its entries are candidates and the nearest to an anchor's positive are positives",
          "[temporal][contrastive][queue]") {
  const TermSettings s = settings(2, 1, 0);
  const auto state = term("contrastive_vv").make_state({.embedding_dim = 2, .batch = 2}, s);
  REQUIRE(state);
  LossInputs in;
  in.video = rows({1, 0, 0.8f, 0.6f});  // one pair, v0.v1 = 0.8
  in.audio = in.video;
  in.labels[kBatchLabels] = labels({0, 0, 0, 0, 1, 0, 0, 0, 1, 2});
  in.settings = &s;
  in.state = state.get();
  // The queue is empty: plain InfoNCE over the pair, log(1 + 0) each.
  CHECK(term("contrastive_vv").compute(in).item<double>() == Approx(0.0).margin(1e-6));
  term("contrastive_vv").update(in);  // the queue now holds v0 and v1
  // Anchor v0: positives v1 (batch, 8) and the entry nearest to v1 (v1
  // itself, 8); the entry v0 (10) a negative:
  // -log(2 e^8 / (2 e^8 + e^10)) = log(1 + e^2 / 2). Anchor v1 alike.
  CHECK(term("contrastive_vv").compute(in).item<double>() == Approx(l(std::exp(2.0) / 2)).epsilon(1e-4));
  // Its partner playing at another speed, a negative, an anchor takes the
  // entry nearest to itself (itself, 10):
  // -log(e^10 / (2 e^8 + e^10)) = log(1 + 2 e^-2).
  const TermSettings transformed = settings(2, 1, 1);
  in.settings = &transformed;
  in.labels[kBatchLabels] = labels({0, 0, 0, 0, 1, 1, 0, 0, 1, 2});
  CHECK(term("contrastive_vv").compute(in).item<double>() == Approx(l(2 * std::exp(-2.0))).epsilon(1e-4));
}

TEST_CASE("a queue smaller than the batch, an unknown setting and one out of range are refused",
          "[temporal][contrastive][queue]") {
  CHECK_THROWS_WITH(term("contrastive_vv").make_state({.embedding_dim = 2, .batch = 16}, settings(8, 5, 1)),
                    "loss_settings: contrastive_vv.queue_size = 8 is smaller than the batch of 16 clips, whose "
                    "embeddings go into the queue together; give it at least 16, or 0 for no queue");
  ObjectiveNames names;
  names.terms = {"contrastive_vv", "contrastive_va"};
  names.weights = {1.0, 1.0};
  names.settings = {"contrastive_vv.queue_size=8"};
  CHECK_THROWS_WITH(resolve_objective(temporal_ssl(), names, test::tiny_model_options(), {}, 16),
                    Contains("contrastive_vv.queue_size = 8 is smaller than the batch of 16 clips"));
  names.settings = {"contrastive_vv.queue_sise=8", "contrastive_va.tau=0", "contrastive_aa.tau=1", "tau=2"};
  std::vector<std::string> messages;
  for (const auto& p : objective_problems(temporal_ssl(), names)) messages.push_back(p.param + " " + p.message);
  REQUIRE(messages.size() == 4);
  CHECK_THAT(messages[0], Contains("loss_settings sets 'queue_sise' of loss term 'contrastive_vv' (did you mean "
                                   "'queue_size'?); its settings: tau, queue_size, neighbours, transformed_negatives"));
  CHECK_THAT(messages[1], Contains("sets contrastive_va.tau = 0, outside [0.001, 10]"));
  CHECK_THAT(messages[2], Contains("sets 'contrastive_aa', which loss_terms does not name (did you mean 'contrastive_va'?)"));
  CHECK_THAT(messages[3], Contains("has 'tau=2', not of the form term.setting=value"));
  // avflow ops lists each setting under its term.
  const auto* info = temporal_ssl().find_extension(LossTerm::kExtensionKind, "contrastive_vv");
  REQUIRE(info);
  REQUIRE(info->details.size() == 4);
  CHECK(info->details[1] == "setting queue_size = 8192 in [0, 4194304]: past embeddings kept per modality (0: no "
                            "queue); at least the batch: a step's embeddings go in together");
}

TEST_CASE("a term of weight 0 takes its queue with it", "[temporal][contrastive][queue]") {
  ObjectiveNames names;
  names.terms = {"contrastive_va", "contrastive_vv"};
  names.weights = {1.0, 0.0};
  const StepObjective o = resolve_objective(temporal_ssl(), names, test::tiny_model_options(), {}, 4);
  REQUIRE(o.terms.size() == 1);
  REQUIRE(o.has_heads());  // the module holding contrastive_va's queues
  for (const auto& b : o.heads->named_buffers()) CHECK(b.key().rfind("term_contrastive_va.", 0) == 0);
  names.weights = {0.0, 1.0};
  names.settings = {"contrastive_vv.queue_size=0"};
  CHECK_FALSE(resolve_objective(temporal_ssl(), names, test::tiny_model_options(), {}, 4).has_heads());
}

TEST_CASE("the queues come back from a checkpoint bit for bit, and training goes on as if never stopped",
          "[temporal][contrastive][queue][checkpoint]") {
  ObjectiveNames names;
  names.terms = {"contrastive_vv", "contrastive_va"};
  names.weights = {1.0, 0.5};
  names.settings = {"contrastive_vv.queue_size=6", "contrastive_va.queue_size=6", "contrastive_va.neighbours=2"};
  struct Run {
    AvModel model{nullptr};
    StepObjective objective;
    std::unique_ptr<MultiTensorAdam> adam;
  };
  auto start = [&](uint64_t seed) {
    torch::manual_seed(seed);
    Run r;
    r.model = AvModel(test::tiny_model_options());
    r.objective = resolve_objective(temporal_ssl(), names, test::tiny_model_options(), {}, 4);
    std::vector<at::Tensor> params = r.model->parameters();
    for (const auto& p : r.objective.heads->parameters()) params.push_back(p);
    r.adam = std::make_unique<MultiTensorAdam>(params, torch::optim::AdamOptions(1e-3));
    return r;
  };
  torch::manual_seed(11);
  std::vector<at::Tensor> clips, mels;
  for (int i = 0; i < 4; ++i) {
    clips.push_back(torch::randn({4, 3, 4, 32, 32}));
    mels.push_back(torch::randn({4, 1, 32, 40}));
  }
  const Labels batch_labels{{kBatchLabels, labels({0, 0, 0, 0, 1, 0, 0, 0, 1, 2, 1, 1, 0, 3, 4, 1, 1, 1, 5, 6})}};
  auto step = [&](Run& r, int i) {
    return launch_training_step(r.model, *r.adam, clips[i], mels[i], r.objective, batch_labels).wait();
  };

  Run through = start(1);
  for (int i = 0; i < 2; ++i) step(through, i);  // 8 rows into queues of 6: wrapped
  test::TempDir dir;
  CheckpointStore(dir.path()).save(through.model, *through.adam, 2, {}, through.objective.heads.get());

  Run resumed = start(2);
  REQUIRE(CheckpointStore(dir.path()).restore_latest(resumed.model, *resumed.adam, resumed.objective.heads.get()));
  const auto saved = through.objective.heads->named_buffers(), restored = resumed.objective.heads->named_buffers();
  REQUIRE(saved.size() == 9);  // values, filled, next: vv's video queue, va's video and audio queues
  for (const auto& b : saved) {
    INFO(b.key());
    CHECK(torch::equal(b.value(), restored[b.key()]));
  }
  for (int i = 2; i < 4; ++i) {
    const StepResult a = step(through, i), b = step(resumed, i);
    CHECK(a.loss == b.loss);
  }
  for (const auto& b : through.objective.heads->named_buffers()) CHECK(torch::equal(b.value(), resumed.objective.heads->named_buffers()[b.key()]));
}

TEST_CASE("minimising contrastive_va and contrastive_vv pairs the embeddings they pair", "[temporal][contrastive]") {
  // Free embeddings of 8 clips (4 pairs) trained by the terms alone: each
  // video ends nearest to its own audio, and each clip to its partner.
  torch::manual_seed(5);
  at::Tensor video = torch::randn({8, 6}, torch::requires_grad()), audio = torch::randn({8, 6}, torch::requires_grad());
  torch::optim::Adam adam({video, audio}, torch::optim::AdamOptions(0.05));
  const TermSettings s = settings(16, 2, 0);
  const auto va_state = term("contrastive_va").make_state({.embedding_dim = 6, .batch = 8}, s);
  const auto vv_state = term("contrastive_vv").make_state({.embedding_dim = 6, .batch = 8}, s);
  LossInputs in;
  in.labels[kBatchLabels] = at::zeros({8, 5}, at::kLong);
  in.settings = &s;
  for (int step = 0; step < 200; ++step) {
    in.video = video;
    in.audio = audio;
    in.state = va_state.get();
    at::Tensor loss = term("contrastive_va").compute(in);
    in.state = vv_state.get();
    loss = loss + term("contrastive_vv").compute(in);
    adam.zero_grad();
    loss.backward();
    in.state = va_state.get();
    term("contrastive_va").update(in);
    in.state = vv_state.get();
    term("contrastive_vv").update(in);
    adam.step();
  }
  StepValues seen;
  in.video = video.detach();
  in.audio = audio.detach();
  term("contrastive_va").observe(in, seen);
  term("contrastive_vv").observe(in, seen);
  CHECK(seen.at("contrastive_va_accuracy").item<double>() == 1.0);
  CHECK(seen.at("contrastive_vv_accuracy").item<double>() == 1.0);
}
