// A 3D convolution whose kernel is purely spatial (1 x kh x kw) or purely
// temporal (kt x 1 x 1), as every convolution of R(2+1)D is, computed with
// 2D convolutions: the spatial one over frames folded into the batch, the
// temporal one over [B, C, T, H*W]. Same weights ([out, in, kt, kh, kw], as
// torch's Conv3d and torchvision's checkpoints), same result; on CPUs it is
// several times faster, because LibTorch's 2D convolutions are far better
// tuned than its 3D ones (bench/train_step_throughput.cpp). Other kernels
// fall back to at::conv3d.
#pragma once

#include <torch/nn/module.h>
#include <torch/nn/pimpl.h>

#include <array>

namespace avflow::model {

class FactorisedConv3dImpl : public torch::nn::Module {
 public:
  using Triple = std::array<int64_t, 3>;  // (t, h, w)
  FactorisedConv3dImpl(int64_t in, int64_t out, Triple kernel, Triple stride, Triple padding);
  at::Tensor forward(const at::Tensor& x);  // [B, in, T, H, W] -> [B, out, T', H', W']

  at::Tensor weight;

 private:
  Triple kernel_, stride_, padding_;
};
TORCH_MODULE(FactorisedConv3d);

}  // namespace avflow::model
