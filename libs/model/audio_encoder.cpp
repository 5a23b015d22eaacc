#include "libs/model/audio_encoder.h"

#include <torch/nn/init.h>
#include <torch/nn/modules/activation.h>
#include <torch/nn/modules/conv.h>
#include <torch/nn/modules/pooling.h>

#include "libs/model/sync_batch_norm.h"

namespace avflow::model {
namespace {

using BatchNorm2d = SyncBatchNorm2d;  // torch's, over the global batch when distributed
using torch::nn::Conv2d;
using torch::nn::Conv2dOptions;
using torch::nn::ReLU;
using torch::nn::Sequential;

Conv2d conv(int64_t in, int64_t out, int64_t kernel, int64_t stride, int64_t padding) {
  return Conv2d(Conv2dOptions(in, out, kernel).stride(stride).padding(padding).bias(false));
}

class BasicBlockImpl : public torch::nn::Module {
 public:
  BasicBlockImpl(int64_t in, int64_t out, int64_t stride) {
    body_ = register_module("body", Sequential(conv(in, out, 3, stride, 1), BatchNorm2d(out), ReLU(true),
                                               conv(out, out, 3, 1, 1), BatchNorm2d(out)));
    if (stride != 1 || in != out)
      downsample_ = register_module("downsample", Sequential(conv(in, out, 1, stride, 0), BatchNorm2d(out)));
  }
  at::Tensor forward(const at::Tensor& x) {
    at::Tensor y = body_->forward(x);
    y += downsample_ ? downsample_->forward(x) : x;
    return y.relu_();
  }

 private:
  Sequential body_{nullptr}, downsample_{nullptr};
};
TORCH_MODULE(BasicBlock);

}  // namespace

AudioEncoderImpl::AudioEncoderImpl(EncoderOptions options) : options_(std::move(options)) {
  options_.check("audio encoder");
  const int64_t w = options_.width;
  stem_ = register_module(
      "stem", Sequential(conv(1, w, 7, 2, 3), BatchNorm2d(w), ReLU(true),
                         torch::nn::MaxPool2d(torch::nn::MaxPool2dOptions(3).stride(2).padding(1))));
  stages_ = Sequential();
  int64_t in = w;
  for (size_t s = 0; s < options_.blocks.size(); ++s) {
    const int64_t out = w << s;
    for (int64_t b = 0; b < options_.blocks[s]; ++b) {
      stages_->push_back(BasicBlock(in, out, s > 0 && b == 0 ? 2 : 1));
      in = out;
    }
  }
  register_module("stages", stages_);
  // Convolutions as torchvision's resnet18 (kaiming, fan out); BatchNorm starts at weight 1, bias 0.
  for (auto& m : modules(/*include_self=*/false))
    if (auto* c = m->as<torch::nn::Conv2d>()) torch::nn::init::kaiming_normal_(c->weight, 0.0, torch::kFanOut, torch::kReLU);
}

at::Tensor AudioEncoderImpl::forward(const at::Tensor& mels) {
  if (mels.dim() != 4 || mels.size(1) != 1)
    throw std::invalid_argument("audio encoder: expected mel images [B, 1, mels, frames], got " + c10::str(mels.sizes()));
  return stages_->forward(stem_->forward(mels));
}

}  // namespace avflow::model
