// The downstream classifier: an encoder (the video encoder f or the audio
// encoder g, pretrained or fresh) whose last feature map is averaged over
// time and space into a vector and mapped to class scores by one linear
// layer. Fine-tuning trains all of it; a linear probe freezes the encoder
// (its weights and its batch-norm statistics) and trains the linear layer
// alone.
#pragma once

#include <torch/nn/module.h>
#include <torch/nn/modules/linear.h>
#include <torch/nn/pimpl.h>

#include <filesystem>
#include <string>

#include "libs/model/audio_encoder.h"
#include "libs/model/video_encoder.h"

namespace avflow::model {

struct ClassifierOptions {
  std::string modality = "video";  // video: f over [B, 3, T, H, W]; audio: g over [B, 1, mels, frames]
  EncoderOptions encoder;
  int64_t classes = 101;
};

class ClassifierImpl : public torch::nn::Module {
 public:
  explicit ClassifierImpl(ClassifierOptions options);
  at::Tensor forward(const at::Tensor& input);   // logits [B, classes]
  at::Tensor features(const at::Tensor& input);  // pooled encoder output [B, channels]

  // Loads exported encoder weights (video_encoder.pt / audio_encoder.pt);
  // throws std::runtime_error naming the file when it does not fit.
  void load_encoder(const std::string& path);
  // Linear probe: the encoder's parameters stop needing gradients, and
  // train() keeps the encoder in evaluation mode.
  void freeze_encoder();
  bool encoder_frozen() const { return frozen_; }
  void train(bool on = true) override;

  const ClassifierOptions& options() const { return options_; }
  torch::nn::Module& encoder();
  torch::nn::Linear& head() { return head_; }

 private:
  ClassifierOptions options_;
  VideoEncoder f_{nullptr};
  AudioEncoder g_{nullptr};
  torch::nn::Linear head_{nullptr};
  bool frozen_ = false;
};
TORCH_MODULE(Classifier);

// A trained classifier in a folder: DIR/classifier.pt (every weight and
// batch-norm statistic) and DIR/classifier_options.txt (modality, classes,
// width, blocks), written through temporary names and renamed.
void save_classifier(Classifier& classifier, const std::filesystem::path& dir);
// Throws std::runtime_error naming the file when it is missing or does not fit.
Classifier load_classifier(const std::filesystem::path& dir);

// An exported encoder alone (video_encoder.pt / audio_encoder.pt), for its
// features: built to the sizes in encoder_options.txt beside it (`fallback`
// when there is none) with an unused one-class head, and loaded.
Classifier load_encoder_only(const std::string& modality, const std::string& encoder,
                             const EncoderOptions& fallback = {});

}  // namespace avflow::model
