// The video encoder f: R(2+1)D-18 (Tran et al., "A Closer Look at
// Spatiotemporal Convolutions"), laid out as torchvision's r2plus1d_18 without
// its pooling and classifier, so it returns the last feature map:
//
//   stem   conv 1x7x7 (3 -> 45, stride 1,2,2) BN ReLU, conv 3x1x1 (45 -> 64) BN ReLU
//   stage  s = 0..3: blocks of two (2+1)D convolutions with a residual, planes
//          64 * 2^s, the first block of stages 1..3 striding 2 in t, h and w
//          (a 1x1x1 convolution + BN on the residual where the shape changes)
//   (2+1)D conv(in -> out, stride s): conv 1x3x3 (in -> mid, stride 1,s,s) BN
//          ReLU, conv 3x1x1 (mid -> out, stride s,1,1), with the mid-channel
//          rule mid = floor(27 in out / (9 in + 3 out)) (the block's in and
//          out planes, shared by both of its convolutions), which keeps the
//          parameter count of a full 3x3x3 convolution.
//
// Input [B, 3, T, H, W] float; output [B, 8 width, T/8, H/16, W/16] (ceil).
// At the paper's size (width 64) it has about 31.3 million parameters.
#pragma once

#include <torch/nn/module.h>
#include <torch/nn/modules/container/sequential.h>
#include <torch/nn/pimpl.h>

#include "libs/model/encoder_options.h"

namespace avflow::model {

class VideoEncoderImpl : public torch::nn::Module {
 public:
  explicit VideoEncoderImpl(EncoderOptions options = {});
  at::Tensor forward(const at::Tensor& clips);
  int64_t out_channels() const { return options_.out_channels(); }

 private:
  EncoderOptions options_;
  torch::nn::Sequential stem_{nullptr}, stages_{nullptr};
};
TORCH_MODULE(VideoEncoder);

// The (2+1)D mid-channel rule, for tests and for readers.
int64_t r2plus1d_mid_channels(int64_t in_planes, int64_t out_planes);

}  // namespace avflow::model
