// Our encoders under torchvision's names: the mapping of each kind of
// tensor, the whole R(2+1)D-18 and ResNet-18 against torchvision's layout
// (counts and shapes from torchvision 0.14's r2plus1d_18 and resnet18), and
// which torchvision constructor holds other sizes.
#include <torch/torch.h>

#include <catch2/catch.hpp>
#include <algorithm>
#include <map>
#include <set>

#include "libs/model/audio_encoder.h"
#include "libs/model/torchvision_names.h"
#include "libs/model/torchvision_weights.h"
#include "libs/model/video_encoder.h"

using namespace avflow::model;

namespace {

const std::vector<int64_t> k18{2, 2, 2, 2};

std::map<std::string, std::vector<int64_t>> shapes(const avflow::model::NamedTensors& tensors) {
  std::map<std::string, std::vector<int64_t>> out;
  for (const auto& [name, t] : tensors) out[name] = t.sizes().vec();
  return out;
}

}  // namespace

TEST_CASE("video tensors take torchvision's r2plus1d_18 names", "[model][torchvision]") {
  CHECK(torchvision_name(EncoderKind::kVideo, k18, "stem.0.weight") == "stem.0.weight");
  CHECK(torchvision_name(EncoderKind::kVideo, k18, "stem.4.running_var") == "stem.4.running_var");
  CHECK(torchvision_name(EncoderKind::kVideo, k18, "stages.0.conv1.0.weight") == "layer1.0.conv1.0.0.weight");
  CHECK(torchvision_name(EncoderKind::kVideo, k18, "stages.0.conv1.1.bias") == "layer1.0.conv1.0.1.bias");
  CHECK(torchvision_name(EncoderKind::kVideo, k18, "stages.1.conv2.3.weight") == "layer1.1.conv2.0.3.weight");
  CHECK(torchvision_name(EncoderKind::kVideo, k18, "stages.2.conv1.4.num_batches_tracked") ==
        "layer2.0.conv1.1.num_batches_tracked");
  CHECK(torchvision_name(EncoderKind::kVideo, k18, "stages.6.downsample.0.weight") == "layer4.0.downsample.0.weight");
  CHECK(torchvision_name(EncoderKind::kVideo, k18, "stages.7.conv2.4.weight") == "layer4.1.conv2.1.weight");
  // One block per stage: block K is stage K + 1.
  CHECK(torchvision_name(EncoderKind::kVideo, {1, 1, 1, 1}, "stages.3.conv1.0.weight") == "layer4.0.conv1.0.0.weight");
}

TEST_CASE("audio tensors take torchvision's resnet18 names", "[model][torchvision]") {
  CHECK(torchvision_name(EncoderKind::kAudio, k18, "stem.0.weight") == "conv1.weight");
  CHECK(torchvision_name(EncoderKind::kAudio, k18, "stem.1.num_batches_tracked") == "bn1.num_batches_tracked");
  CHECK(torchvision_name(EncoderKind::kAudio, k18, "stages.0.body.0.weight") == "layer1.0.conv1.weight");
  CHECK(torchvision_name(EncoderKind::kAudio, k18, "stages.3.body.1.running_mean") == "layer2.1.bn1.running_mean");
  CHECK(torchvision_name(EncoderKind::kAudio, k18, "stages.4.body.3.weight") == "layer3.0.conv2.weight");
  CHECK(torchvision_name(EncoderKind::kAudio, k18, "stages.7.body.4.bias") == "layer4.1.bn2.bias");
  CHECK(torchvision_name(EncoderKind::kAudio, k18, "stages.2.downsample.1.weight") == "layer2.0.downsample.1.weight");
}

TEST_CASE("a name the encoder does not have is refused", "[model][torchvision]") {
  CHECK_THROWS_WITH(torchvision_name(EncoderKind::kVideo, k18, "stages.8.conv1.0.weight"),
                    Catch::Contains("video encoder has no tensor 'stages.8.conv1.0.weight'"));
  CHECK_THROWS(torchvision_name(EncoderKind::kVideo, k18, "stages.0.conv1.2.weight"));  // a ReLU has none
  CHECK_THROWS(torchvision_name(EncoderKind::kAudio, k18, "stem.2.weight"));
  CHECK_THROWS(torchvision_name(EncoderKind::kAudio, k18, "head.weight"));
}

TEST_CASE("the whole R(2+1)D-18 has r2plus1d_18's tensors and shapes, fc aside", "[model][torchvision]") {
  VideoEncoder f(EncoderOptions{});
  const auto tv = shapes(to_torchvision(*f, EncoderKind::kVideo, EncoderOptions{}));
  CHECK(tv.size() == 222);  // torchvision's 224 less fc.weight and fc.bias
  CHECK(tv.at("stem.0.weight") == std::vector<int64_t>{45, 3, 1, 7, 7});
  CHECK(tv.at("stem.3.weight") == std::vector<int64_t>{64, 45, 3, 1, 1});
  CHECK(tv.at("layer1.0.conv1.0.0.weight") == std::vector<int64_t>{144, 64, 1, 3, 3});
  CHECK(tv.at("layer2.0.conv1.0.0.weight") == std::vector<int64_t>{230, 64, 1, 3, 3});
  CHECK(tv.at("layer2.0.conv2.0.0.weight") == std::vector<int64_t>{230, 128, 1, 3, 3});
  CHECK(tv.at("layer2.0.downsample.0.weight") == std::vector<int64_t>{128, 64, 1, 1, 1});
  CHECK(tv.at("layer4.1.conv2.1.running_mean") == std::vector<int64_t>{512});
  CHECK(tv.at("layer3.1.conv1.0.1.num_batches_tracked").empty());
  CHECK(tv.count("layer1.0.downsample.0.weight") == 0);
}

TEST_CASE("the whole ResNet-18 has resnet18's tensors with a one-channel conv1, fc aside", "[model][torchvision]") {
  AudioEncoder g(EncoderOptions{});
  const auto tv = shapes(to_torchvision(*g, EncoderKind::kAudio, EncoderOptions{}));
  CHECK(tv.size() == 120);  // torchvision's 122 less fc.weight and fc.bias
  CHECK(tv.at("conv1.weight") == std::vector<int64_t>{64, 1, 7, 7});
  CHECK(tv.at("bn1.running_var") == std::vector<int64_t>{64});
  CHECK(tv.at("layer3.0.downsample.0.weight") == std::vector<int64_t>{256, 128, 1, 1});
  CHECK(tv.at("layer4.1.conv2.weight") == std::vector<int64_t>{512, 512, 3, 3});
}

TEST_CASE("torchvision's constructor for other block counts, and why none holds another width", "[model][torchvision]") {
  const auto eighteen = torchvision_fit(EncoderKind::kVideo, EncoderOptions{});
  CHECK(eighteen.loads);
  CHECK_THAT(eighteen.constructor, Catch::StartsWith("torchvision.models.video.r2plus1d_18()"));
  const auto shallow = torchvision_fit(EncoderKind::kAudio, EncoderOptions{64, {1, 1, 1, 1}});
  CHECK(shallow.loads);
  CHECK_THAT(shallow.constructor, Catch::Contains("ResNet(torchvision.models.resnet.BasicBlock, [1, 1, 1, 1])"));
  CHECK_THAT(shallow.constructor, Catch::Contains("Conv2d(1, 64, 7, 2, 3, bias=False)"));
  const auto narrow = torchvision_fit(EncoderKind::kVideo, EncoderOptions{8, {1, 1, 1, 1}});
  CHECK_FALSE(narrow.loads);
  CHECK_THAT(narrow.reason, Catch::Contains("this encoder has width 8"));
  CHECK_FALSE(torchvision_fit(EncoderKind::kAudio, EncoderOptions{64, {2, 2, 2}}).loads);
}

TEST_CASE("weights written under torchvision's names load back into an encoder exactly", "[model][torchvision]") {
  const EncoderOptions o{8, {1, 1, 1, 1}};
  torch::manual_seed(1);
  VideoEncoder a(o);
  for (auto& b : a->buffers()) b.copy_(torch::rand_like(b.to(torch::kFloat)).to(b.dtype()) + 1);
  const auto tv = to_torchvision(*a, EncoderKind::kVideo, o);
  torch::manual_seed(2);
  VideoEncoder b(o);
  CHECK(load_torchvision(*b, EncoderKind::kVideo, o, tv, "a.pt") == tv.size());
  auto pa = a->named_parameters(), pb = b->named_parameters();
  for (const auto& p : pa) CHECK(torch::equal(p.value(), pb[p.key()]));
  auto ba = a->named_buffers(), bb = b->named_buffers();
  for (const auto& x : ba) CHECK(torch::equal(x.value(), bb[x.key()]));
}

TEST_CASE("a state dict that does not fit names every missing, unexpected and mis-shaped tensor",
          "[model][torchvision]") {
  const EncoderOptions o{64, {1, 1, 1, 1}};
  AudioEncoder g(o);
  auto tv = to_torchvision(*g, EncoderKind::kAudio, o);
  tv.emplace_back("fc.weight", torch::zeros({1000, 512}));  // a classifier: left out, not an error
  CHECK(load_torchvision(*g, EncoderKind::kAudio, o, tv, "ok.pt") == tv.size() - 1);

  auto rgb = tv;
  for (auto& [name, t] : rgb)
    if (name == "conv1.weight") t = torch::zeros({64, 3, 7, 7});
  CHECK_THROWS_WITH(load_torchvision(*g, EncoderKind::kAudio, o, rgb, "imagenet.pth"),
                    Catch::Contains("imagenet.pth: does not fit the audio encoder") &&
                        Catch::Contains("conv1.weight is [64, 3, 7, 7] in the file, [64, 1, 7, 7] in the encoder") &&
                        Catch::Contains("sum its conv1 over the colour channels"));

  auto broken = tv;
  broken.erase(std::find_if(broken.begin(), broken.end(), [](const auto& e) { return e.first == "bn1.running_mean"; }));
  broken.emplace_back("layer5.0.conv1.weight", torch::zeros({1}));
  CHECK_THROWS_WITH(load_torchvision(*g, EncoderKind::kAudio, o, broken, "w.pt"),
                    Catch::Contains("1 missing: bn1.running_mean") &&
                        Catch::Contains("1 the encoder does not have: layer5.0.conv1.weight"));
}
