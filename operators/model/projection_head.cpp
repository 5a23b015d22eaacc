#include "operators/model/projection_head.h"

#include <torch/nn/modules/activation.h>
#include <torch/nn/modules/conv.h>

#include "operators/model/sync_batch_norm.h"

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
  return body_->forward(feature_map).flatten(2).mean(2);
}

}  // namespace avflow::model
