// Model files load wherever they are read: checkpoints, exported encoders
// and classifiers are written from CPU copies (a file written from a GPU
// loads on a machine without one), and a checkpoint restores onto the
// model's own device. The CUDA case skips, with a warning, without a GPU.
#include <torch/torch.h>

#include <catch2/catch.hpp>

#include "libs/model/av_model.h"
#include "libs/model/channels_last.h"
#include "libs/model/checkpoint_store.h"
#include "libs/model/classifier.h"
#include "tests/support/process.h"
#include "tests/support/tiny_model.h"

using namespace avflow::model;

namespace {

ModelOptions tiny() { return avflow::test::tiny_model_options(8); }

void check_same_weights(AvModel& a, AvModel& b) {
  const auto theirs = b->named_parameters();
  for (const auto& p : a->named_parameters()) {
    INFO(p.key());
    CHECK(torch::equal(p.value().cpu(), theirs[p.key()].cpu()));
  }
}

}  // namespace

TEST_CASE("a channels-last model's checkpoint holds contiguous CPU tensors and restores as written",
          "[model][checkpoint]") {
  avflow::test::TempDir dir;
  torch::manual_seed(7);
  AvModel trained(tiny());
  use_channels_last(*trained);
  torch::optim::Adam adam(trained->parameters());
  CheckpointStore(dir.path()).save(trained, adam, 3);

  // The video stem's first convolution: f / stem / 0 / weight (5-D, so
  // channels-last in the model).
  torch::serialize::InputArchive archive, f, stem, conv;
  archive.load_from(dir.path() + "/step-00000003/model.pt");
  REQUIRE(archive.try_read("f", f));
  REQUIRE(f.try_read("stem", stem));
  REQUIRE(stem.try_read("0", conv));
  at::Tensor weight;
  REQUIRE(conv.try_read("weight", weight));
  CHECK(weight.dim() == 5);
  CHECK(weight.is_contiguous());
  CHECK(weight.device().is_cpu());

  torch::manual_seed(8);
  AvModel restored(tiny());
  torch::optim::Adam adam2(restored->parameters());
  REQUIRE(CheckpointStore(dir.path()).restore_latest(restored, adam2).has_value());
  check_same_weights(restored, trained);
}

TEST_CASE("checkpoints and encoders written from CUDA load on the CPU, and back onto CUDA", "[model][checkpoint][cuda]") {
  if (!at::hasCUDA()) {
    WARN("CUDA not available: files written from a GPU are not checked here");
    return;
  }
  avflow::test::TempDir dir;
  torch::manual_seed(9);
  AvModel on_gpu(tiny());
  on_gpu->to(at::Device(at::kCUDA, 0));
  torch::optim::Adam adam(on_gpu->parameters());
  on_gpu->train();
  const Embeddings z = on_gpu->forward(torch::randn({2, 3, 4, 32, 32}, at::kCUDA), torch::randn({2, 1, 32, 40}, at::kCUDA));
  (z.video.sum() + z.audio.sum()).backward();
  adam.step();  // Adam's state on the GPU too
  CheckpointStore store(dir.path());
  store.save(on_gpu, adam, 1);
  store.export_encoders(on_gpu);

  AvModel on_cpu(tiny());
  torch::optim::Adam cpu_adam(on_cpu->parameters());
  REQUIRE(CheckpointStore(dir.path()).restore_latest(on_cpu, cpu_adam).has_value());
  for (const auto& p : on_cpu->parameters()) CHECK(p.device().is_cpu());
  check_same_weights(on_cpu, on_gpu);

  Classifier probe(ClassifierOptions{.modality = "video", .encoder = tiny().video, .classes = 2});
  probe->load_encoder(dir.path() + "/video_encoder.pt");
  for (const auto& p : probe->encoder().parameters()) CHECK(p.device().is_cpu());

  AvModel back_on_gpu(tiny());
  back_on_gpu->to(at::Device(at::kCUDA, 0));
  torch::optim::Adam gpu_adam(back_on_gpu->parameters());
  REQUIRE(CheckpointStore(dir.path()).restore_latest(back_on_gpu, gpu_adam).has_value());
  for (const auto& p : back_on_gpu->parameters()) CHECK(p.device().is_cuda());
  check_same_weights(back_on_gpu, on_gpu);
}
