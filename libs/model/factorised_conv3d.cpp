#include "libs/model/factorised_conv3d.h"

#include <ATen/ATen.h>
#include <torch/nn/init.h>

namespace avflow::model {

FactorisedConv3dImpl::FactorisedConv3dImpl(int64_t in, int64_t out, Triple kernel, Triple stride, Triple padding)
    : kernel_(kernel), stride_(stride), padding_(padding) {
  weight = register_parameter("weight", torch::empty({out, in, kernel[0], kernel[1], kernel[2]}));
  torch::nn::init::kaiming_normal_(weight, 0.0, torch::kFanOut, torch::kReLU);
}

at::Tensor FactorisedConv3dImpl::forward(const at::Tensor& x) {
  const auto [kt, kh, kw] = kernel_;
  const auto [st, sh, sw] = stride_;
  const auto [pt, ph, pw] = padding_;
  const int64_t b = x.size(0), c = x.size(1);
  if (kt == 1 && pt == 0) {
    // Spatial: frames into the batch. A temporal stride just keeps every st-th frame.
    const at::Tensor frames = st == 1 ? x : x.slice(2, 0, x.size(2), st);
    const int64_t t = frames.size(2);
    const at::Tensor folded = frames.transpose(1, 2).reshape({b * t, c, frames.size(3), frames.size(4)});
    const at::Tensor y = at::conv2d(folded, weight.select(2, 0), {}, {sh, sw}, {ph, pw});
    return y.view({b, t, y.size(1), y.size(2), y.size(3)}).transpose(1, 2);
  }
  if (kh == 1 && kw == 1 && ph == 0 && pw == 0) {
    // Temporal: space flattened into one axis. A spatial stride keeps every sh-th row and sw-th column.
    const at::Tensor kept = (sh == 1 && sw == 1) ? x : x.slice(3, 0, x.size(3), sh).slice(4, 0, x.size(4), sw);
    const int64_t h = kept.size(3), w = kept.size(4);
    const at::Tensor flat = kept.reshape({b, c, kept.size(2), h * w});
    const at::Tensor y = at::conv2d(flat, weight.squeeze(4), {}, {st, 1}, {pt, 0});
    return y.view({b, y.size(1), y.size(2), h, w});
  }
  return at::conv3d(x, weight, {}, {st, sh, sw}, {pt, ph, pw});
}

}  // namespace avflow::model
