// A projection head h: conv 1x1 (in -> in) BN ReLU conv 1x1 (in -> d) over an
// encoder's feature map, then global average pooling into [B, d]. One class
// for both encoders: `dims` is 3 for the video map [B, C, T, H, W] and 2 for
// the audio map [B, C, F, T]. Under autocast the first convolution runs in
// bf16 and the last one, with the pooling, in float32: the embedding is
// float32.
#pragma once

#include <torch/nn/module.h>
#include <torch/nn/modules/container/sequential.h>
#include <torch/nn/pimpl.h>

namespace avflow::model {

class ProjectionHeadImpl : public torch::nn::Module {
 public:
  ProjectionHeadImpl(int64_t in_channels, int64_t embedding_dim, int dims);
  at::Tensor forward(const at::Tensor& feature_map);

 private:
  int dims_;
  torch::nn::Sequential body_{nullptr};
};
TORCH_MODULE(ProjectionHead);

}  // namespace avflow::model
