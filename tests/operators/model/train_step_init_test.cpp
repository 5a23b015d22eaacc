// train_step's `init`: torchvision state dicts (torch.save or safetensors)
// start the encoders; a file that does not fit stops the run at open,
// naming the node, the file and the tensor.
#include <ATen/ATen.h>
#include <torch/torch.h>

#include <catch2/catch.hpp>
#include <filesystem>

#include "engine/payloads/scalars.h"
#include "libs/model/audio_encoder.h"
#include "libs/model/checkpoint_encoders.h"
#include "libs/model/state_dict_file.h"
#include "libs/model/torchvision_weights.h"
#include "libs/model/video_encoder.h"
#include "tests/operators/model/train_graph.h"
#include "tests/operators/run_graph.h"
#include "tests/support/capture_sink.h"
#include "tests/support/process.h"
#include "tests/support/tensor_feed.h"

using namespace avflow;
using namespace avflow::test;
using namespace avflow::model;
namespace fs = std::filesystem;

namespace {

const EncoderOptions kTiny{4, {1, 1, 1, 1}};

std::string train_params(const std::string& extra) {
  return "video_width = 4\naudio_width = 4\nblocks = 1\nembedding_dim = 16\nsteps_per_epoch = 4\n"
         "epochs = 1\nlr_start = 0.001\nlr_peak = 0.001\nseed = 5\nthreads = 1\n" +
         extra;
}

void feed_one_step() {
  at::manual_seed(11);
  TensorFeed::instance().set("video", {at::randn({4, 3, 4, 32, 32})});
  TensorFeed::instance().set("audio", {at::randn({4, 1, 32, 40})});
}

double max_difference(const torch::nn::Module& a, const torch::nn::Module& b) {
  double worst = 0;
  auto pb = b.named_parameters();
  for (const auto& p : a.named_parameters())
    worst = std::max(worst, (p.value() - pb[p.key()]).abs().max().item<double>());
  return worst;
}

}  // namespace

TEST_CASE("train_step starts f and g from the torchvision state dicts init names", "[model][train][init]") {
  TempDir dir;
  torch::manual_seed(99);
  VideoEncoder f(kTiny);
  AudioEncoder g(kTiny);
  const std::string f_file = dir.path() + "/r2plus1d.pt", g_file = dir.path() + "/resnet.safetensors";
  write_state_dict(f_file, to_torchvision(*f, EncoderKind::kVideo, kTiny), StateDictFormat::kTorchSave);
  write_state_dict(g_file, to_torchvision(*g, EncoderKind::kAudio, kTiny), StateDictFormat::kSafetensors);

  const auto trained = [&](const std::string& init, const std::string& ckpt) {
    feed_one_step();
    auto r = run_graph_text(train_graph_toml(train_params(init)), {"graph.checkpoints=" + ckpt});
    INFO((r.failures.empty() ? "" : r.failures[0].str()));
    REQUIRE(r.status == RunStatus::kFinished);
    Captured::instance().take("cap");  // its row, which this test does not read
    return load_checkpoint_encoders(ckpt);
  };
  // Files in either order: each goes to the encoder its stem names.
  const auto from_init = trained("init = [\"" + g_file + "\", \"" + f_file + "\"]\n", dir.path() + "/a");
  const auto from_seed = trained("", dir.path() + "/b");
  // One Adam step of lr 0.001 moves each weight by about 0.001.
  CHECK(max_difference(*from_init.video, *f) < 0.005);
  CHECK(max_difference(*from_init.audio, *g) < 0.005);
  CHECK(max_difference(*from_seed.video, *f) > 0.05);
}

TEST_CASE("train_step refuses init files that do not fit, naming the node, file and tensor", "[model][train][init][errors]") {
  TempDir dir;
  const EncoderOptions wider{8, {1, 1, 1, 1}};
  VideoEncoder f(wider);
  const std::string wide = dir.path() + "/wide.pt";
  write_state_dict(wide, to_torchvision(*f, EncoderKind::kVideo, wider), StateDictFormat::kTorchSave);
  feed_one_step();
  auto r = run_graph_text(train_graph_toml(train_params("init = [\"" + wide + "\"]\n")));
  CHECK(r.status == RunStatus::kFailed);
  REQUIRE_FALSE(r.failures.empty());
  const std::string why = r.failures[0].str();
  CHECK(why.find("train") != std::string::npos);
  CHECK(why.find("wide.pt: does not fit the video encoder (width 4, blocks 1 1 1 1") != std::string::npos);
  CHECK(why.find("stem.3.weight is [8, 5, 3, 1, 1] in the file, [4, 2, 3, 1, 1] in the encoder") != std::string::npos);

  AudioEncoder g(kTiny);
  const std::string twice = dir.path() + "/g.pt";
  write_state_dict(twice, to_torchvision(*g, EncoderKind::kAudio, kTiny), StateDictFormat::kTorchSave);
  feed_one_step();
  r = run_graph_text(train_graph_toml(train_params("init = [\"" + twice + "\", \"" + twice + "\"]\n")));
  REQUIRE_FALSE(r.failures.empty());
  CHECK(r.failures[0].str().find("init names two files for the audio encoder") != std::string::npos);
}
