// The downstream classifier: an exported encoder loads into it, a linear
// probe trains the linear layer alone (encoder weights and batch-norm
// statistics untouched), and a saved classifier loads back to the same
// predictions.
#include <torch/torch.h>

#include <catch2/catch.hpp>

#include "libs/model/av_model.h"
#include "libs/model/checkpoint_store.h"
#include "libs/model/classifier.h"
#include "libs/model/encoder_export.h"
#include "tests/support/process.h"

using namespace avflow::model;

namespace {
const EncoderOptions kTiny{.width = 4, .blocks = {1, 1, 1, 1}};

ClassifierOptions video_classifier(int64_t classes) {
  ClassifierOptions o;
  o.modality = "video";
  o.encoder = kTiny;
  o.classes = classes;
  return o;
}
}  // namespace

TEST_CASE("an exported video encoder loads into a classifier with its sizes beside it", "[model][classifier]") {
  avflow::test::TempDir dir;
  torch::manual_seed(1);
  ModelOptions mo;
  mo.video = kTiny;
  mo.audio = kTiny;
  mo.embedding_dim = 8;
  AvModel pretrained(mo);
  CheckpointStore(dir.path()).export_encoders(pretrained);
  const auto sizes = read_encoder_options(dir.path());
  REQUIRE(sizes.has_value());
  CHECK(sizes->video.width == 4);
  CHECK(sizes->audio.blocks == std::vector<int64_t>{1, 1, 1, 1});

  Classifier c(video_classifier(3));
  c->load_encoder(dir.path() + "/video_encoder.pt");
  const auto from = pretrained->video_encoder()->named_parameters();
  for (const auto& p : c->encoder().named_parameters()) CHECK(torch::equal(p.value(), from[p.key()]));

  Classifier wider(ClassifierOptions{.modality = "video", .encoder = {.width = 8, .blocks = {1, 1, 1, 1}}, .classes = 3});
  CHECK_THROWS_WITH(wider->load_encoder(dir.path() + "/video_encoder.pt"), Catch::Contains("exported with other sizes"));
}

TEST_CASE("a linear probe trains the linear layer alone and keeps the encoder's statistics", "[model][classifier]") {
  torch::manual_seed(2);
  Classifier c(video_classifier(3));
  c->freeze_encoder();
  std::map<std::string, at::Tensor> before;
  for (const auto& p : c->encoder().named_parameters()) before[p.key()] = p.value().clone();
  for (const auto& b : c->encoder().named_buffers()) before["buffer " + b.key()] = b.value().clone();
  const at::Tensor head_before = c->head()->weight.clone();

  std::vector<at::Tensor> trained;
  for (auto& p : c->parameters())
    if (p.requires_grad()) trained.push_back(p);
  CHECK(trained.size() == 2);  // the linear layer's weight and bias
  torch::optim::SGD sgd(trained, torch::optim::SGDOptions(0.1).momentum(0.9));
  c->train();
  CHECK_FALSE(c->encoder().is_training());
  const at::Tensor x = torch::randn({4, 3, 4, 32, 32});
  const at::Tensor y = torch::tensor({0, 1, 2, 1});
  for (int i = 0; i < 3; ++i) {
    sgd.zero_grad();
    torch::nn::functional::cross_entropy(c->forward(x), y).backward();
    sgd.step();
  }
  for (const auto& p : c->encoder().named_parameters()) CHECK(torch::equal(p.value(), before.at(p.key())));
  for (const auto& b : c->encoder().named_buffers()) CHECK(torch::equal(b.value(), before.at("buffer " + b.key())));
  CHECK_FALSE(torch::equal(c->head()->weight, head_before));
}

TEST_CASE("a saved classifier loads back to the same predictions", "[model][classifier]") {
  avflow::test::TempDir dir;
  torch::manual_seed(3);
  Classifier c(ClassifierOptions{.modality = "audio", .encoder = kTiny, .classes = 5});
  c->eval();
  const at::Tensor mels = torch::randn({2, 1, 32, 40});
  const at::Tensor logits = c->forward(mels);
  save_classifier(c, dir.path() + "/clf");
  Classifier back = load_classifier(dir.path() + "/clf");
  back->eval();
  CHECK(back->options().modality == "audio");
  CHECK(back->options().classes == 5);
  CHECK(torch::allclose(back->forward(mels), logits));
  CHECK_THROWS_WITH(load_classifier(dir.path() + "/none"), Catch::Contains("no classifier in"));
}
