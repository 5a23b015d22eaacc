#include "libs/model/video_encoder.h"

#include <torch/nn/modules/activation.h>

#include "libs/model/factorised_conv3d.h"
#include "libs/model/sync_batch_norm.h"

namespace avflow::model {
namespace {

using BatchNorm3d = SyncBatchNorm3d;  // torch's, over the global batch when distributed
using torch::nn::ReLU;
using torch::nn::Sequential;
using Triple = FactorisedConv3dImpl::Triple;

FactorisedConv3d conv(int64_t in, int64_t out, Triple kernel, Triple stride, Triple padding) {
  return FactorisedConv3d(in, out, kernel, stride, padding);
}

// Appends conv 1x3x3 -> BN -> ReLU -> conv 3x1x1 (LibTorch's Sequential
// cannot hold another Sequential, so the layers go in flat).
void add_conv2plus1d(Sequential& seq, int64_t in, int64_t out, int64_t mid, int64_t stride) {
  seq->push_back(conv(in, mid, {1, 3, 3}, {1, stride, stride}, {0, 1, 1}));
  seq->push_back(BatchNorm3d(mid));
  seq->push_back(ReLU(true));
  seq->push_back(conv(mid, out, {3, 1, 1}, {stride, 1, 1}, {1, 0, 0}));
}

class BlockImpl : public torch::nn::Module {
 public:
  BlockImpl(int64_t in, int64_t out, int64_t stride) {
    const int64_t mid = r2plus1d_mid_channels(in, out);
    Sequential conv1, conv2;
    add_conv2plus1d(conv1, in, out, mid, stride);
    conv1->push_back(BatchNorm3d(out));
    conv1->push_back(ReLU(true));
    add_conv2plus1d(conv2, out, out, mid, 1);
    conv2->push_back(BatchNorm3d(out));
    conv1_ = register_module("conv1", conv1);
    conv2_ = register_module("conv2", conv2);
    if (stride != 1 || in != out)
      downsample_ = register_module(
          "downsample", Sequential(conv(in, out, {1, 1, 1}, {stride, stride, stride}, {0, 0, 0}), BatchNorm3d(out)));
  }
  at::Tensor forward(const at::Tensor& x) {
    at::Tensor y = conv2_->forward(conv1_->forward(x));
    y += downsample_ ? downsample_->forward(x) : x;
    return y.relu_();
  }

 private:
  Sequential conv1_{nullptr}, conv2_{nullptr}, downsample_{nullptr};
};
TORCH_MODULE(Block);

}  // namespace

int64_t r2plus1d_mid_channels(int64_t in_planes, int64_t out_planes) {
  return (in_planes * out_planes * 27) / (in_planes * 9 + 3 * out_planes);
}

VideoEncoderImpl::VideoEncoderImpl(EncoderOptions options) : options_(std::move(options)) {
  options_.check("video encoder");
  const int64_t w = options_.width;
  const int64_t stem_mid = std::max<int64_t>(1, 45 * w / 64);  // torchvision's stem: 45 at width 64
  stem_ = register_module("stem", Sequential(conv(3, stem_mid, {1, 7, 7}, {1, 2, 2}, {0, 3, 3}), BatchNorm3d(stem_mid),
                                             ReLU(true), conv(stem_mid, w, {3, 1, 1}, {1, 1, 1}, {1, 0, 0}),
                                             BatchNorm3d(w), ReLU(true)));
  stages_ = Sequential();
  int64_t in = w;
  for (size_t s = 0; s < options_.blocks.size(); ++s) {
    const int64_t out = w << s;
    for (int64_t b = 0; b < options_.blocks[s]; ++b) {
      stages_->push_back(Block(in, out, s > 0 && b == 0 ? 2 : 1));
      in = out;
    }
  }
  register_module("stages", stages_);
  // Convolutions initialise themselves (kaiming, fan out); BatchNorm starts at weight 1, bias 0.
}

at::Tensor VideoEncoderImpl::forward(const at::Tensor& clips) {
  if (clips.dim() != 5 || clips.size(1) != 3)
    throw std::invalid_argument("video encoder: expected clips [B, 3, T, H, W], got " + c10::str(clips.sizes()));
  return stages_->forward(stem_->forward(clips));
}

}  // namespace avflow::model
