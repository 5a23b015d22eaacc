// Under bf16 autocast the projection heads' last layer (and its pooling) run
// in float32, so Eq. 1 is computed from float32 embeddings. Its scores are
// unnormalised dot products that grow with the embeddings' norms: rounded to
// bf16 (8 bits of mantissa), large embeddings would move the loss by whole
// units. The encoder and the head's first layer still run in bf16.
#include <torch/torch.h>

#include <catch2/catch.hpp>

#include "libs/model/autocast_guard.h"
#include "libs/model/av_model.h"
#include "libs/model/contrastive_loss.h"
#include "libs/model/projection_head.h"
#include "libs/model/sync_batch_norm.h"
#include "tests/support/tiny_model.h"

using namespace avflow::model;

namespace {

constexpr int64_t kChannels = 32, kDim = 64, kBatch = 16;

// A head whose embeddings have norms in the hundreds (its last layer's
// weights scaled up), as a trained unnormalised model's can.
ProjectionHead large_norm_head() {
  ProjectionHead head(kChannels, kDim, 2);
  torch::NoGradGuard no_grad;
  head->named_parameters()["body.3.weight"].mul_(60);
  head->named_parameters()["body.3.bias"].mul_(60);
  return head;
}

// The head by hand: its first three layers under bf16 autocast (as the head
// runs them), the last 1x1 convolution and the pooling in float64.
at::Tensor embedding_in_double(ProjectionHead& head, const at::Tensor& x) {
  auto& body = *head->named_children()["body"]->as<torch::nn::SequentialImpl>();
  at::Tensor hidden;
  {
    AutocastGuard bf16(at::kCPU, at::kBFloat16);
    hidden = body.ptr(2)->as<torch::nn::ReLUImpl>()->forward(body.ptr(1)->as<SyncBatchNorm2dImpl>()->forward(
        body.ptr(0)->as<torch::nn::Conv2dImpl>()->forward(x)));
  }
  auto params = head->named_parameters();
  return at::conv2d(hidden.to(at::kDouble), params["body.3.weight"].detach().to(at::kDouble),
                    params["body.3.bias"].detach().to(at::kDouble))
      .flatten(2)
      .mean(2);
}

}  // namespace

TEST_CASE("under bf16 autocast the loss of large-norm embeddings matches the loss of their float64 values",
          "[model][precision]") {
  torch::manual_seed(21);
  ProjectionHead video_head = large_norm_head(), audio_head = large_norm_head();
  const at::Tensor video_map = torch::randn({kBatch, kChannels, 3, 4});
  const at::Tensor audio_map = torch::randn({kBatch, kChannels, 4, 3});

  at::Tensor z_v, z_a;
  {
    AutocastGuard bf16(at::kCPU, at::kBFloat16);
    z_v = video_head->forward(video_map);
    z_a = audio_head->forward(audio_map);
  }
  REQUIRE(z_v.scalar_type() == at::kFloat);
  REQUIRE(z_a.scalar_type() == at::kFloat);

  const at::Tensor exact_v = embedding_in_double(video_head, video_map);
  const at::Tensor exact_a = embedding_in_double(audio_head, audio_map);
  const double norm = exact_v.norm(2, {1}).mean().item<double>();
  INFO("mean embedding norm " << norm);
  REQUIRE(norm > 100);  // large: scores in the tens of thousands

  // float32 embeddings: each coordinate within float32 rounding of its value.
  CHECK((z_v.to(at::kDouble) - exact_v).abs().max().item<double>() <= 1e-5 * exact_v.abs().max().item<double>());

  const double exact = contrastive_loss(exact_v, exact_a).item<double>();
  const double under_autocast = contrastive_loss(z_v, z_a).item<double>();
  const double from_bf16 =
      contrastive_loss(exact_v.to(at::kBFloat16).to(at::kDouble), exact_a.to(at::kBFloat16).to(at::kDouble))
          .item<double>();
  INFO("loss: float64 " << exact << ", under autocast " << under_autocast << ", from bf16 embeddings " << from_bf16);
  // The stated bound: within 1e-3 of the loss of the exact embeddings (seen:
  // 3e-5) ...
  CHECK(std::abs(under_autocast - exact) <= 1e-3);
  // ... where bf16-rounded embeddings of these norms miss it by far more
  // (seen: 1.2).
  CHECK(std::abs(from_bf16 - exact) > 0.5);
}

TEST_CASE("a model under bf16 autocast gives float32 embeddings", "[model][precision]") {
  torch::manual_seed(5);
  AvModel model(avflow::test::tiny_model_options(8));
  AutocastGuard bf16(at::kCPU, at::kBFloat16);
  const Embeddings z = model->forward(torch::randn({2, 3, 4, 32, 32}), torch::randn({2, 1, 32, 40}));
  CHECK(z.video.scalar_type() == at::kFloat);
  CHECK(z.audio.scalar_type() == at::kFloat);
}
