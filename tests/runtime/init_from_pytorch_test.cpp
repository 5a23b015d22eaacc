// Weights as PyTorch users have them: torchvision models seeded and saved
// by Python with torch.save(model.state_dict()) (an OrderedDict with its
// _metadata, the classifier included; tests/python/write_torchvision_weights.py)
// start avflow's encoders, which then give torchvision's output on the same
// input within 1e-4.
#include <ATen/ATen.h>
#include <torch/torch.h>

#include <catch2/catch.hpp>
#include <filesystem>

#include "libs/model/audio_encoder.h"
#include "libs/model/safetensors_file.h"
#include "libs/model/state_dict_file.h"
#include "libs/model/torchvision_weights.h"
#include "libs/model/video_encoder.h"
#include "tests/support/process.h"
#include "tests/support/python_torch.h"

using namespace avflow::model;
using namespace avflow::test;

namespace {

template <typename Encoder>
double worst_difference(Encoder& encoder, const at::Tensor& input, const at::Tensor& expected) {
  encoder->eval();
  torch::NoGradGuard no_grad;
  return (encoder->forward(input).flatten(2).mean(2) - expected).abs().max().template item<double>();
}

}  // namespace

TEST_CASE("torchvision weights saved by PyTorch start avflow's encoders, which then compute what torchvision does",
          "[model][init][python]") {
  const std::string python = require_python_with_torch();
  TempDir dir;
  const auto made = run_process({python, python_script("write_torchvision_weights.py"), dir.path()});
  INFO(made.out << made.err);
  REQUIRE(made.exit_code == 0);

  // Python's own pickle: fc is there (1000 classes) and left out.
  const NamedTensors video_file = read_state_dict(dir.path() + "/r2plus1d_18.pth");
  CHECK(video_file.size() == 224);
  CHECK(torchvision_kind(video_file) == EncoderKind::kVideo);
  const auto probe = read_safetensors(dir.path() + "/probe.safetensors").tensors;
  const auto tensor = [&](const std::string& name) {
    for (const auto& [n, t] : probe)
      if (n == name) return t;
    FAIL("probe has no " << name);
    return at::Tensor();
  };

  VideoEncoder f(EncoderOptions{});
  CHECK_THAT(init_encoder_from_file(*f, EncoderKind::kVideo, EncoderOptions{}, dir.path() + "/r2plus1d_18.pth"),
             Catch::EndsWith("222 tensors into the video encoder"));
  const double video_diff = worst_difference(f, tensor("video"), tensor("video_out"));
  AudioEncoder g(EncoderOptions{});
  CHECK_THAT(init_encoder_from_file(*g, EncoderKind::kAudio, EncoderOptions{}, dir.path() + "/resnet18_1ch.pth"),
             Catch::EndsWith("120 tensors into the audio encoder"));
  const double audio_diff = worst_difference(g, tensor("audio"), tensor("audio_out"));
  INFO("video differs by " << video_diff << ", audio by " << audio_diff);
  CHECK(video_diff <= 1e-4);
  CHECK(audio_diff <= 1e-4);

  // A file for the other encoder is refused, naming both.
  CHECK_THROWS_WITH(init_encoder_from_file(*g, EncoderKind::kAudio, EncoderOptions{}, dir.path() + "/r2plus1d_18.pth"),
                    Catch::Contains("r2plus1d_18.pth: holds an R(2+1)D video encoder, not the audio encoder"));
}
