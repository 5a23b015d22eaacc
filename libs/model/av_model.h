// The audio-visual model of the paper: the video encoder f with its head h_f
// and the audio encoder g with its head h_g, embedding a snippet's clip and
// mel image into the same d-dimensional space (z_v = h_f(f(v)), z_a = h_g(g(a))).
#pragma once

#include <torch/nn/module.h>
#include <torch/nn/pimpl.h>

#include "libs/model/audio_encoder.h"
#include "libs/model/projection_head.h"
#include "libs/model/video_encoder.h"

namespace avflow::model {

struct ModelOptions {
  EncoderOptions video;         // R(2+1)D-18 by default
  EncoderOptions audio;         // ResNet-18 by default
  int64_t embedding_dim = 512;  // d
};

struct Embeddings {
  at::Tensor video, audio;  // [B, d] each
};

class AvModelImpl : public torch::nn::Module {
 public:
  explicit AvModelImpl(ModelOptions options = {});
  Embeddings forward(const at::Tensor& clips, const at::Tensor& mels);
  at::Tensor embed_video(const at::Tensor& clips);  // [B, 3, T, H, W] -> [B, d]
  at::Tensor embed_audio(const at::Tensor& mels);   // [B, 1, F, T] -> [B, d]

  VideoEncoder& video_encoder() { return f_; }
  AudioEncoder& audio_encoder() { return g_; }
  // h_f and h_g: embed_video(v) is video_projection()(f(v)).
  ProjectionHead& video_projection() { return h_f_; }
  ProjectionHead& audio_projection() { return h_g_; }
  const ModelOptions& options() const { return options_; }

 private:
  ModelOptions options_;
  VideoEncoder f_{nullptr};
  AudioEncoder g_{nullptr};
  ProjectionHead h_f_{nullptr}, h_g_{nullptr};
};
TORCH_MODULE(AvModel);

int64_t parameter_count(const torch::nn::Module& module);

}  // namespace avflow::model
