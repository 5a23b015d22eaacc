// The encoders' layout: parameter counts at the paper's size (torchvision's
// r2plus1d_18 and resnet18 trunks), output shapes, the (2+1)D rule, and the
// tiny variant the CPU tests train.
#include <catch2/catch.hpp>
#include <torch/torch.h>

#include "libs/model/av_model.h"

using namespace avflow::model;

TEST_CASE("R(2+1)D-18 has the parameter count of torchvision's r2plus1d_18 trunk", "[model][encoder]") {
  VideoEncoder f;
  // torchvision's r2plus1d_18: 31,505,325 parameters, of which the 512 x 400
  // classifier holds 205,200.
  CHECK(parameter_count(*f) == 31505325 - 205200);
}

TEST_CASE("the one-channel ResNet-18 has resnet18's trunk count less two input channels of the stem", "[model][encoder]") {
  AudioEncoder g;
  // torchvision's resnet18: 11,689,512 with a 512 x 1000 classifier (513,000)
  // and a 3-channel 7x7 stem of 64 (9,408; one channel: 3,136).
  CHECK(parameter_count(*g) == 11689512 - 513000 - 9408 + 3136);
}

TEST_CASE("the (2+1)D mid-channel rule matches torchvision's for every stage", "[model][encoder]") {
  CHECK(r2plus1d_mid_channels(64, 64) == 144);
  CHECK(r2plus1d_mid_channels(64, 128) == 230);
  CHECK(r2plus1d_mid_channels(128, 128) == 288);
  CHECK(r2plus1d_mid_channels(256, 512) == 921);
}

TEST_CASE("encoders and heads map clips and mel images to d-dimensional embeddings", "[model][encoder]") {
  torch::manual_seed(0);
  ModelOptions o;
  o.video = {.width = 8, .blocks = {1, 1, 1, 1}};
  o.audio = {.width = 8, .blocks = {1, 1, 1, 1}};
  o.embedding_dim = 32;
  AvModel m(o);
  const auto clips = torch::randn({2, 3, 16, 64, 64});
  const auto mels = torch::randn({2, 1, 96, 301});
  CHECK(m->video_encoder()->forward(clips).sizes() == std::vector<int64_t>{2, 64, 2, 4, 4});
  CHECK(m->audio_encoder()->forward(mels).sizes() == std::vector<int64_t>{2, 64, 3, 10});
  const Embeddings z = m->forward(clips, mels);
  CHECK(z.video.sizes() == std::vector<int64_t>{2, 32});
  CHECK(z.audio.sizes() == std::vector<int64_t>{2, 32});
  CHECK(parameter_count(*m) < 500000);  // about 1% of the paper-size model
}

TEST_CASE("encoders refuse inputs of the wrong layout, naming the expected one", "[model][encoder]") {
  AvModel m(ModelOptions{.video = {.width = 4, .blocks = {1, 1}}, .audio = {.width = 4, .blocks = {1, 1}}, .embedding_dim = 8});
  CHECK_THROWS_WITH(m->embed_video(torch::zeros({2, 16, 3, 32, 32})), Catch::Contains("[B, 3, T, H, W]"));
  CHECK_THROWS_WITH(m->embed_audio(torch::zeros({2, 96, 301})), Catch::Contains("[B, 1, mels, frames]"));
  CHECK_THROWS_WITH(m->forward(torch::zeros({2, 3, 4, 32, 32}), torch::zeros({3, 1, 32, 32})),
                    Catch::Contains("2 clips but 3 mel images"));
  CHECK_THROWS_WITH(AvModel(ModelOptions{.video = {.width = 0}}), Catch::Contains("width"));
}
