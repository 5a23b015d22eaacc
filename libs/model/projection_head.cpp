#include "libs/model/projection_head.h"

#include <torch/nn/modules/activation.h>
#include <torch/nn/modules/conv.h>

#include "libs/model/autocast_guard.h"
#include "libs/model/sync_batch_norm.h"

namespace avflow::model {

ProjectionHeadImpl::ProjectionHeadImpl(int64_t in_channels, int64_t embedding_dim, int dims) : dims_(dims) {
  using namespace torch::nn;
  if (dims == 3) {
    body_ = Sequential(Conv3d(Conv3dOptions(in_channels, in_channels, 1).bias(false)), SyncBatchNorm3d(in_channels),
                       ReLU(true), Conv3d(Conv3dOptions(in_channels, embedding_dim, 1)));
  } else if (dims == 2) {
    body_ = Sequential(Conv2d(Conv2dOptions(in_channels, in_channels, 1).bias(false)), SyncBatchNorm2d(in_channels),
                       ReLU(true), Conv2d(Conv2dOptions(in_channels, embedding_dim, 1)));
  } else {
    throw std::invalid_argument("projection head: dims must be 2 (audio) or 3 (video)");
  }
  register_module("body", body_);
}

at::Tensor ProjectionHeadImpl::forward(const at::Tensor& feature_map) {
  if (feature_map.dim() != dims_ + 2)
    throw std::invalid_argument("projection head: expected a feature map of " + std::to_string(dims_ + 2) +
                                " dimensions, got " + c10::str(feature_map.sizes()));
  // body_: conv, batch norm, ReLU, then the last conv.
  at::Tensor hidden = feature_map;
  auto layer = body_->begin();
  for (; layer + 1 != body_->end(); ++layer) hidden = layer->forward(hidden);
  // The embedding itself in float32, also under bf16 autocast: Eq. 1 scores
  // are unnormalised dot products that grow with the embeddings' norms, and
  // bf16's 8-bit mantissa would round each coordinate by up to 1/256 of its
  // size before the loss sees it. One 1x1 convolution and the pooling cost
  // little next to the encoder.
  const AutocastPause float32(hidden.device().type());
  return layer->forward(hidden.to(at::kFloat)).flatten(2).mean(2);
}

}  // namespace avflow::model
