// avflow export, as a PyTorch user meets it: the exported files load into
// torchvision's r2plus1d_18 and resnet18 with strict key matching, and
// torchvision's forward gives avflow's output within 1e-4 (checked by
// Python itself, tests/python/check_torchvision_export.py); sizes
// torchvision cannot hold are written and explained; input_spec.json says
// what the encoders take.
#include <ATen/ATen.h>
#include <torch/torch.h>

#include <catch2/catch.hpp>
#include <filesystem>
#include <fstream>

#include "libs/media/shard/shard_path.h"
#include "libs/media/shard/shard_writer.h"
#include "libs/model/av_model.h"
#include "libs/model/checkpoint_store.h"
#include "libs/model/safetensors_file.h"
#include "tests/runtime/cli_fixture.h"
#include "tests/support/python_torch.h"

using namespace avflow;
using namespace avflow::test;
namespace fs = std::filesystem;

namespace {

// Batch-norm statistics and affine parameters off their initial 0 and 1, so
// that a misplaced one shows in the output.
void perturb_batch_norms(torch::nn::Module& m) {
  torch::NoGradGuard no_grad;
  for (auto& b : m.named_buffers())
    if (b.key().find("running_var") != std::string::npos)
      b.value().uniform_(0.5, 1.5);
    else if (b.key().find("running_mean") != std::string::npos)
      b.value().uniform_(-0.2, 0.2);
  for (auto& p : m.named_parameters())
    if (p.value().dim() == 1) p.value().uniform_(0.5, 1.5);
}

// A run directory as `avflow run --run-dir` leaves it: graph.toml (the nodes
// the input spec reads) and checkpoints/ with the exported encoders, and one
// shard of 16 frames at 5 fps.
model::AvModel write_run(const fs::path& run, const model::ModelOptions& o) {
  fs::create_directories(run / "prepared");
  media::shard::Header h;
  h.title = "film";
  h.frames = 16;
  h.fps = 5.0;
  h.width = 16;
  h.height = 16;
  media::ShardWriter w(media::shard_path(run / "prepared", "film"), h);
  media::Snippet s;
  s.title = "film";
  s.video = Tensor(at::zeros({16, 16, 16, 3}, at::kByte));
  s.audio = Tensor(at::zeros({153600}, at::kFloat));
  w.add(s);
  w.finish();
  const std::string graph = "[graph]\nname = \"pretrain\"\ncheckpoints = \"" + (run / "checkpoints").string() +
                            "\"\n[[node]]\nname = \"reader\"\nop = \"shard_reader\"\ndir = \"" +
                            (run / "prepared").string() +
                            "\"\n[[node]]\nname = \"augment\"\nop = \"clip_augment\"\ncrop = 112\n"
                            "mean = [0.43216, 0.394666, 0.37645]\nstd = [0.22803, 0.22145, 0.216989]\n"
                            "[[node]]\nname = \"mel\"\nop = \"mel\"\nsample_rate = 48000\nn_fft = 2048\nhop = 512\n"
                            "n_mels = 96\ndevice = \"cpu\"\n";
  std::ofstream((run / "graph.toml").string()) << graph;
  torch::manual_seed(3);
  model::AvModel model(o);
  perturb_batch_norms(*model);
  model::CheckpointStore(run / "checkpoints").export_encoders(model);
  return model;
}

// The encoder's feature map averaged over time and space: [B, C], what
// torchvision's model gives with its fc replaced by Identity.
template <typename Encoder>
at::Tensor pooled(Encoder& encoder, const at::Tensor& x) {
  encoder->eval();
  torch::NoGradGuard no_grad;
  return encoder->forward(x).flatten(2).mean(2);
}

// The same in float64 (the encoder's weights become float64 too).
template <typename Encoder>
at::Tensor pooled64(Encoder& encoder, const at::Tensor& x) {
  encoder->to(torch::kDouble);
  return pooled(encoder, x.to(torch::kDouble));
}

}  // namespace

TEST_CASE("avflow export writes encoders that torchvision's models load strictly and run as avflow does",
          "[cli][export][python]") {
  const std::string python = require_python_with_torch();
  TempDir dir;
  const fs::path run = fs::path(dir.path()) / "run";
  model::AvModel model = write_run(run, {});

  const auto pt = run_avflow({"export", run.string(), "-o", dir.path() + "/pt"});
  INFO(pt.out << pt.err);
  REQUIRE(pt.exit_code == 0);
  CHECK(pt.out.find("loads into torchvision.models.video.r2plus1d_18()") != std::string::npos);
  const auto st = run_avflow({"export", run.string(), "-o", dir.path() + "/st", "--format", "safetensors"});
  INFO(st.out << st.err);
  REQUIRE(st.exit_code == 0);
  CHECK(fs::exists(dir.path() + "/st/audio_encoder.safetensors"));

  // What the encoders were trained on, from graph.toml and the shard.
  const std::string spec = slurp(dir.path() + "/pt/input_spec.json");
  INFO(spec);
  CHECK(spec.find("\"frames\": 16, \"fps\": 5, \"crop\": 112, \"mean\": [0.43216, 0.394666, 0.37645]") !=
        std::string::npos);
  CHECK(spec.find("\"sample_rate\": 48000, \"channels\": 1, \"seconds\": 3.2, \"mel\": {\"hop\": 512, \"n_fft\": 2048, "
                  "\"n_mels\": 96, \"sample_rate\": 48000}") != std::string::npos);
  CHECK(pt.err.find("lacks") == std::string::npos);

  at::manual_seed(5);
  const at::Tensor video = at::randn({2, 3, 8, 32, 32}), audio = at::randn({2, 1, 64, 48});
  const std::string probe = dir.path() + "/probe.safetensors";
  const at::Tensor video_out = pooled(model->video_encoder(), video), audio_out = pooled(model->audio_encoder(), audio);
  const at::Tensor video_out64 = pooled64(model->video_encoder(), video);
  const at::Tensor audio_out64 = pooled64(model->audio_encoder(), audio);
  model::write_safetensors(probe, {{"video", video},
                                   {"audio", audio},
                                   {"video_out", video_out},
                                   {"audio_out", audio_out},
                                   {"video_out64", video_out64},
                                   {"audio_out64", audio_out64}});
  const auto check = run_process({python, python_script("check_torchvision_export.py"), dir.path() + "/pt",
                                  dir.path() + "/st", probe});
  INFO(check.out << check.err);
  CHECK(check.exit_code == 0);
  CHECK(check.out.find("video: torchvision's output [2, 512]") != std::string::npos);
  CHECK(check.out.find("audio: torchvision's output [2, 512]") != std::string::npos);
}

TEST_CASE("avflow export writes the quickstart's width 8 all the same and says why torchvision cannot hold it",
          "[cli][export]") {
  TempDir dir;
  model::ModelOptions o;
  o.video = o.audio = {8, {1, 1, 1, 1}};
  o.embedding_dim = 16;
  torch::manual_seed(1);
  model::AvModel model(o);
  torch::optim::Adam adam(model->parameters());
  const fs::path ckpt = fs::path(dir.path()) / "checkpoints";
  model::CheckpointStore(ckpt).save(model, adam, 12);  // an unfinished run: one checkpoint, no exports

  const auto r = run_avflow({"export", ckpt.string(), "-o", dir.path() + "/out"});
  INFO(r.out << r.err);
  REQUIRE(r.exit_code == 0);
  CHECK(fs::exists(dir.path() + "/out/video_encoder.pt"));
  CHECK(r.err.find("video encoder: written under torchvision's names, but no torchvision model holds it: "
                   "torchvision's VideoResNet has 64 channels in its first stage (45 in its stem); this encoder has "
                   "width 8") != std::string::npos);
  CHECK(r.err.find("input_spec.json lacks every input setting") != std::string::npos);
  const std::string spec = slurp(dir.path() + "/out/input_spec.json");
  CHECK(spec.find("step-00000012/model.pt") != std::string::npos);
  CHECK(spec.find("\"loads\": false") != std::string::npos);
}

TEST_CASE("avflow export refuses a folder that holds no encoders, saying what it looked for", "[cli][export][errors]") {
  TempDir dir;
  const auto r = run_avflow({"export", dir.path(), "-o", dir.path() + "/out"});
  CHECK(r.exit_code != 0);
  CHECK(r.err.find("holds no encoders (video_encoder.pt and audio_encoder.pt, written when a run finishes) and no "
                   "checkpoint") != std::string::npos);
  const auto usage = run_avflow({"export", dir.path()});
  CHECK(usage.exit_code == 2);
  CHECK(usage.err.find("needs -o DIR") != std::string::npos);
  const auto format = run_avflow({"export", dir.path(), "-o", dir.path() + "/o", "--format", "onnx"});
  CHECK(format.err.find("unknown weights format 'onnx' (pt or safetensors)") != std::string::npos);
}
