#include "libs/model/torchvision_weights.h"

#include <ATen/ATen.h>
#include <torch/csrc/autograd/grad_mode.h>

#include <map>
#include <stdexcept>

#include "libs/model/state_dict_file.h"

namespace avflow::model {
namespace {

// Parameters then buffers, as a module's state_dict() holds them.
std::vector<std::pair<std::string, at::Tensor>> state_of(const torch::nn::Module& encoder) {
  std::vector<std::pair<std::string, at::Tensor>> out;
  for (const auto& p : encoder.named_parameters(/*recurse=*/true)) out.emplace_back(p.key(), p.value());
  for (const auto& b : encoder.named_buffers(/*recurse=*/true)) out.emplace_back(b.key(), b.value());
  return out;
}

std::string shape(const at::Tensor& t) { return c10::str(t.sizes()); }

// Up to 6 names, then how many more.
std::string some(const std::vector<std::string>& names) {
  std::string s;
  for (size_t i = 0; i < names.size() && i < 6; ++i) s += (i ? ", " : "") + names[i];
  if (names.size() > 6) s += " and " + std::to_string(names.size() - 6) + " more";
  return s;
}

std::string sizes_text(const EncoderOptions& o) {
  std::string s = "width " + std::to_string(o.width) + ", blocks";
  for (int64_t b : o.blocks) s += " " + std::to_string(b);
  return s;
}

}  // namespace

NamedTensors to_torchvision(const torch::nn::Module& encoder, EncoderKind kind, const EncoderOptions& options) {
  NamedTensors out;
  for (const auto& [name, t] : state_of(encoder))
    out.emplace_back(torchvision_name(kind, options.blocks, name), t.detach().to(at::kCPU).clone());
  return out;
}

std::optional<EncoderKind> torchvision_kind(const NamedTensors& tensors) {
  for (const auto& [name, t] : tensors) {
    if (name == "stem.0.weight" && t.dim() == 5) return EncoderKind::kVideo;
    if (name == "conv1.weight" && t.dim() == 4) return EncoderKind::kAudio;
  }
  return std::nullopt;
}

size_t load_torchvision(torch::nn::Module& encoder, EncoderKind kind, const EncoderOptions& options,
                        const NamedTensors& tensors, const std::string& source) {
  std::map<std::string, const at::Tensor*> given;
  for (const auto& [name, t] : tensors)
    if (name.rfind("fc.", 0) != 0) given[name] = &t;

  std::vector<std::pair<at::Tensor, const at::Tensor*>> copies;
  std::vector<std::string> missing, misshaped;
  for (const auto& [ours, target] : state_of(encoder)) {
    const std::string theirs = torchvision_name(kind, options.blocks, ours);
    const auto it = given.find(theirs);
    if (it == given.end()) {
      missing.push_back(theirs);
      continue;
    }
    if (it->second->sizes() != target.sizes())
      misshaped.push_back(theirs + " is " + shape(*it->second) + " in the file, " + shape(target) + " in the encoder");
    else
      copies.emplace_back(target, it->second);
    given.erase(it);
  }
  std::vector<std::string> unexpected;
  for (const auto& [name, t] : given) unexpected.push_back(name);

  if (!missing.empty() || !misshaped.empty() || !unexpected.empty()) {
    std::string why = source + ": does not fit the " + encoder_kind_name(kind) + " encoder (" + sizes_text(options) +
                      "; torchvision's names)";
    if (!misshaped.empty()) why += "; " + std::to_string(misshaped.size()) + " of another shape: " + some(misshaped);
    if (!missing.empty()) why += "; " + std::to_string(missing.size()) + " missing: " + some(missing);
    if (!unexpected.empty())
      why += "; " + std::to_string(unexpected.size()) + " the encoder does not have: " + some(unexpected);
    if (kind == EncoderKind::kAudio && unexpected.empty() && missing.empty() && misshaped.size() == 1 &&
        misshaped[0].rfind("conv1.weight", 0) == 0)
      why += " (an RGB ImageNet ResNet: sum its conv1 over the colour channels, w.sum(1, keepdim=True), for one-channel "
             "spectrograms)";
    throw std::runtime_error(why);
  }
  torch::NoGradGuard no_grad;
  for (auto& [target, t] : copies) target.copy_(*t);
  return copies.size();
}

namespace {

EncoderKind kind_of_file(const NamedTensors& tensors, const std::string& file) {
  const auto kind = torchvision_kind(tensors);
  if (!kind)
    throw std::runtime_error(file +
                             ": holds neither an R(2+1)D video encoder (stem.0.weight, 5-D) nor a ResNet audio encoder "
                             "(conv1.weight, 4-D) under torchvision's names");
  return *kind;
}

std::string loaded_line(const std::string& file, size_t n, EncoderKind kind) {
  return file + ": " + std::to_string(n) + " tensors into the " + encoder_kind_name(kind) + " encoder";
}

}  // namespace

std::string init_encoder_from_file(torch::nn::Module& encoder, EncoderKind kind, const EncoderOptions& options,
                                   const std::string& file) {
  const NamedTensors tensors = read_state_dict(file);
  const EncoderKind held = kind_of_file(tensors, file);
  if (held != kind)
    throw std::runtime_error(file + ": holds " + (held == EncoderKind::kVideo ? "an R(2+1)D video" : "a ResNet audio") +
                             " encoder, not the " + encoder_kind_name(kind) + " encoder this node trains");
  return loaded_line(file, load_torchvision(encoder, kind, options, tensors, file), kind);
}

std::vector<std::string> init_model_from_files(AvModel& model, const std::vector<std::string>& files) {
  std::vector<std::string> lines;
  std::string video_from, audio_from;
  for (const auto& file : files) {
    const NamedTensors tensors = read_state_dict(file);
    const EncoderKind kind = kind_of_file(tensors, file);
    std::string& from = kind == EncoderKind::kVideo ? video_from : audio_from;
    if (!from.empty())
      throw std::runtime_error("init names two files for the " + std::string(encoder_kind_name(kind)) +
                               " encoder: " + from + " and " + file);
    from = file;
    const size_t n = kind == EncoderKind::kVideo
                         ? load_torchvision(*model->video_encoder(), kind, model->options().video, tensors, file)
                         : load_torchvision(*model->audio_encoder(), kind, model->options().audio, tensors, file);
    lines.push_back(loaded_line(file, n, kind));
  }
  return lines;
}

}  // namespace avflow::model
