// Our encoders' weights as torchvision state dicts (torchvision_names.h), and
// torchvision state dicts (Kinetics or ImageNet weights a user already has,
// or an export of ours) loaded into our encoders.
#pragma once

#include <torch/nn/module.h>

#include <optional>
#include <string>

#include "libs/model/av_model.h"
#include "libs/model/encoder_options.h"
#include "libs/model/named_tensors.h"
#include "libs/model/torchvision_names.h"

namespace avflow::model {

// Every parameter and buffer of `encoder` (CPU copies) under torchvision's
// name, in the encoder's order.
NamedTensors to_torchvision(const torch::nn::Module& encoder, EncoderKind kind, const EncoderOptions& options);

// The encoder a torchvision state dict is for, by its stem: video for
// R(2+1)D's "stem.0.weight", audio for a ResNet's "conv1.weight"; empty when
// it has neither.
std::optional<EncoderKind> torchvision_kind(const NamedTensors& tensors);

// Copies a torchvision state dict into `encoder`. The classifier (fc.*) is
// left out; anything else must match exactly: std::runtime_error naming
// `source` and every tensor missing from it, every tensor it has that the
// encoder does not, and every shape that differs. Returns the number of
// tensors loaded.
size_t load_torchvision(torch::nn::Module& encoder, EncoderKind kind, const EncoderOptions& options,
                        const NamedTensors& tensors, const std::string& source);

// `file` (torch.save or safetensors) loaded into `encoder` as above; it must
// hold weights for `kind` (its stem). Returns a line for the log.
std::string init_encoder_from_file(torch::nn::Module& encoder, EncoderKind kind, const EncoderOptions& options,
                                   const std::string& file);

// train_step's `init`: each file goes into the encoder its stem names (f for
// an R(2+1)D, g for a ResNet); two files for one encoder are refused.
// Returns a line for the log per file.
std::vector<std::string> init_model_from_files(AvModel& model, const std::vector<std::string>& files);

}  // namespace avflow::model
