// The audio encoder g: ResNet-18 (He et al.) over the log-mel image, with one
// input channel, laid out as torchvision's resnet18 without its pooling and
// classifier, so it returns the last feature map:
//
//   stem   conv 7x7 (1 -> 64, stride 2) BN ReLU, max-pool 3x3 stride 2
//   stage  s = 0..3: basic blocks (conv 3x3 BN ReLU conv 3x3 BN + residual),
//          planes 64 * 2^s, the first block of stages 1..3 striding 2 (a 1x1
//          convolution + BN on the residual where the shape changes)
//
// Input [B, 1, mels, frames] float (the paper: 1 x 96 x ~301); output
// [B, 8 width, mels/32, frames/32] (ceil). About 11.2 million parameters.
#pragma once

#include <torch/nn/module.h>
#include <torch/nn/modules/container/sequential.h>
#include <torch/nn/pimpl.h>

#include "libs/model/encoder_options.h"

namespace avflow::model {

class AudioEncoderImpl : public torch::nn::Module {
 public:
  explicit AudioEncoderImpl(EncoderOptions options = {});
  at::Tensor forward(const at::Tensor& mels);
  int64_t out_channels() const { return options_.out_channels(); }

 private:
  EncoderOptions options_;
  torch::nn::Sequential stem_{nullptr}, stages_{nullptr};
};
TORCH_MODULE(AudioEncoder);

}  // namespace avflow::model
