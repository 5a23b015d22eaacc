// Model heads, extension kind "model_head": a head reads the feature map of
// one encoder and maps it to the outputs of a task of its own (the playback
// speed of a clip, its direction, the order of its parts...). train_step
// builds the heads named in its `heads` parameter beside the model, trains
// them with it, and hands their outputs to the loss terms (loss_term.h)
// under the head's name.
//
//   class SpeedHeadImpl final : public avflow::model::ModelHeadImpl { ... };
//   class SpeedHead final : public avflow::model::ModelHeadFactory {
//     Encoder encoder() const override { return Encoder::kVideo; }
//     std::shared_ptr<ModelHeadImpl> make(const HeadShape& s) const override { ... }
//   };
//   AVFLOW_REGISTER_EXTENSION(SpeedHead, "speed", "playback speed of a clip");
#pragma once

#include <torch/nn/module.h>

#include <memory>

#include "engine/extension.h"

namespace avflow::model {

enum class Encoder { kVideo, kAudio };

// What a head is built for.
struct HeadShape {
  int64_t channels = 0;       // C of the encoder's feature map
  int64_t embedding_dim = 0;  // d of the model's embeddings, for heads that project alike
};

class ModelHeadImpl : public torch::nn::Module {
 public:
  // The encoder's last feature map, before any pooling: video
  // [B, C, T', H', W'] (time kept, for heads about order or speed), audio
  // [B, C, F', T']. Returns [B, ...]; under bf16 autocast it may be bf16
  // (the step takes it to float32 for the loss terms).
  virtual at::Tensor forward(const at::Tensor& features) = 0;
};

class ModelHeadFactory {
 public:
  AVFLOW_EXTENSION_INTERFACE(ModelHeadFactory, "model_head");
  virtual ~ModelHeadFactory() = default;
  virtual Encoder encoder() const = 0;  // whose features it reads
  // A fresh head with its own parameters, on the CPU.
  virtual std::shared_ptr<ModelHeadImpl> make(const HeadShape& shape) const = 0;
};

}  // namespace avflow::model
