#include "libs/model/torchvision_names.h"

#include <stdexcept>

#include "engine/params.h"

namespace avflow::model {
namespace {

// "stages.5.conv1.3.weight" -> 5 and "conv1.3.weight"; false when `name`
// is not under stages.
bool split_stage_block(const std::string& name, int64_t& k, std::string& rest) {
  const std::string prefix = "stages.";
  if (name.rfind(prefix, 0) != 0) return false;
  const size_t dot = name.find('.', prefix.size());
  if (dot == std::string::npos || dot == prefix.size()) return false;
  const std::string index = name.substr(prefix.size(), dot - prefix.size());
  if (index.find_first_not_of("0123456789") != std::string::npos) return false;
  k = std::stoll(index);
  rest = name.substr(dot + 1);
  return true;
}

// Our flat block index K as torchvision's "layerS.B".
std::string layer_of(int64_t k, const std::vector<int64_t>& blocks) {
  for (size_t s = 0; s < blocks.size(); ++s) {
    if (k < blocks[s]) return "layer" + std::to_string(s + 1) + "." + std::to_string(k);
    k -= blocks[s];
  }
  return "";
}

// "conv1.3.weight" -> "conv1" "3" "weight".
bool split_module(const std::string& rest, std::string& module, std::string& index, std::string& tail) {
  const size_t a = rest.find('.');
  if (a == std::string::npos) return false;
  const size_t b = rest.find('.', a + 1);
  if (b == std::string::npos) return false;
  module = rest.substr(0, a);
  index = rest.substr(a + 1, b - a - 1);
  tail = rest.substr(b + 1);
  return !tail.empty();
}

std::string video_block_name(const std::string& rest) {
  std::string module, index, tail;
  if (!split_module(rest, module, index, tail)) return "";
  if (module == "downsample" && (index == "0" || index == "1")) return rest;
  if (module != "conv1" && module != "conv2") return "";
  if (index == "0" || index == "1" || index == "3") return module + ".0." + index + "." + tail;
  if (index == "4") return module + ".1." + tail;
  return "";
}

std::string audio_block_name(const std::string& rest) {
  std::string module, index, tail;
  if (!split_module(rest, module, index, tail)) return "";
  if (module == "downsample" && (index == "0" || index == "1")) return rest;
  if (module != "body") return "";
  if (index == "0") return "conv1." + tail;
  if (index == "1") return "bn1." + tail;
  if (index == "3") return "conv2." + tail;
  if (index == "4") return "bn2." + tail;
  return "";
}

// [2, 2, 2, 2]: a parameter list's TOML spelling, Python's too.
std::string python_list(const std::vector<int64_t>& v) { return format_value(ParamValue(v)); }

}  // namespace

const char* encoder_kind_name(EncoderKind kind) { return kind == EncoderKind::kVideo ? "video" : "audio"; }

std::string torchvision_name(EncoderKind kind, const std::vector<int64_t>& blocks, const std::string& ours) {
  std::string theirs;
  int64_t k = 0;
  std::string rest;
  if (split_stage_block(ours, k, rest)) {
    const std::string layer = layer_of(k, blocks);
    const std::string inner = kind == EncoderKind::kVideo ? video_block_name(rest) : audio_block_name(rest);
    if (!layer.empty() && !inner.empty()) theirs = layer + "." + inner;
  } else if (kind == EncoderKind::kVideo) {
    if (ours.rfind("stem.", 0) == 0) theirs = ours;
  } else if (ours.rfind("stem.0.", 0) == 0) {
    theirs = "conv1." + ours.substr(7);
  } else if (ours.rfind("stem.1.", 0) == 0) {
    theirs = "bn1." + ours.substr(7);
  }
  if (theirs.empty())
    throw std::invalid_argument(std::string(encoder_kind_name(kind)) + " encoder has no tensor '" + ours + "'");
  return theirs;
}

TorchvisionFit torchvision_fit(EncoderKind kind, const EncoderOptions& options) {
  TorchvisionFit fit;
  const bool video = kind == EncoderKind::kVideo;
  if (options.width != 64) {
    fit.reason = std::string("torchvision's ") + (video ? "VideoResNet" : "ResNet") +
                 " has 64 channels in its first stage" + (video ? " (45 in its stem)" : "") +
                 "; this encoder has width " + std::to_string(options.width);
    return fit;
  }
  if (options.blocks.size() != 4) {
    fit.reason = "torchvision's ResNets have 4 stages; this encoder has " + std::to_string(options.blocks.size());
    return fit;
  }
  fit.loads = true;
  const bool eighteen = options.blocks == std::vector<int64_t>{2, 2, 2, 2};
  if (video)
    fit.constructor = eighteen ? "torchvision.models.video.r2plus1d_18()"
                               : "torchvision.models.video.resnet.VideoResNet(torchvision.models.video.resnet."
                                 "BasicBlock, [torchvision.models.video.resnet.Conv2Plus1D] * 4, " +
                                     python_list(options.blocks) + ", torchvision.models.video.resnet.R2Plus1dStem)";
  else
    fit.constructor = (eighteen ? std::string("torchvision.models.resnet18()")
                                : "torchvision.models.resnet.ResNet(torchvision.models.resnet.BasicBlock, " +
                                      python_list(options.blocks) + ")") +
                      ", its conv1 = torch.nn.Conv2d(1, 64, 7, 2, 3, bias=False)";
  fit.constructor += ", its fc = torch.nn.Identity()";
  return fit;
}

}  // namespace avflow::model
