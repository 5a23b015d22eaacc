// Where an evaluation operator's encoder comes from, declared once for every
// operator that embeds with a trained encoder (embed, retrieval): avflow's
// exported encoder, a torchvision state dict, or (where the operator allows
// it) random weights from a seed, the scratch baseline.
#pragma once

#include <torch/torch.h>

#include <string>
#include <vector>

#include "engine/operator.h"
#include "libs/model/classifier.h"
#include "libs/model/torchvision_weights.h"

namespace avflow::ops {

struct EncoderSource {
  static inline const Param<std::string> kEncoder{
      "encoder", "", "avflow's exported encoder (video_encoder.pt / audio_encoder.pt, sizes from encoder_options.txt)"};
  static inline const Param<std::string> kInit{
      "init", "", "or a torchvision state dict (.pt or .safetensors; avflow export's, or r2plus1d_18 / resnet18 weights)"};
  static inline const Param<std::string> kModality{"modality", "video", Choices{"video", "audio"},
                                                   "video: the encoder f; audio: the encoder g"};
  static inline const Param<int64_t> kWidth{"width", 64, Range{1, 1024},
                                            "with init or random weights: the encoder's width (torchvision's: 64)"};
  static inline const Param<int64_t> kBlocks{"blocks", 2, Range{1, 8},
                                             "with init or random weights: blocks per stage (18 layers: 2)"};

  // The encoder (inside a classifier whose one-class head is unused) in
  // evaluation mode, and what was loaded, for the log. Neither encoder nor
  // init: random weights drawn after torch::manual_seed(seed).
  static model::Classifier load(Context& ctx, uint64_t seed, std::string& loaded) {
    const std::string modality = ctx.param(kModality), encoder = ctx.param(kEncoder), init = ctx.param(kInit);
    model::Classifier model{nullptr};
    if (!encoder.empty()) {
      model = model::load_encoder_only(modality, encoder);
      loaded = "encoder " + encoder;
    } else {
      model::ClassifierOptions options;
      options.modality = modality;
      options.classes = 1;  // the head is not used
      options.encoder.width = ctx.param(kWidth);
      options.encoder.blocks = std::vector<int64_t>(4, ctx.param(kBlocks));
      if (init.empty()) torch::manual_seed(seed);  // the weights stay as drawn
      model = model::Classifier(options);
      loaded = init.empty() ? "random weights (seed " + std::to_string(seed) + ")"
                            : model::init_encoder_from_file(
                                  model->encoder(),
                                  modality == "video" ? model::EncoderKind::kVideo : model::EncoderKind::kAudio,
                                  options.encoder, init);
    }
    model->eval();
    return model;
  }
};

}  // namespace avflow::ops
