// Channels-last memory layout (NDHWC for video, NHWC for audio): the layout
// cuDNN's fastest convolution kernels read, the more so under bf16. Only the
// layout in memory changes; shapes, indices and results stay the same.
#pragma once

#include <ATen/ATen.h>
#include <torch/nn/module.h>

namespace avflow::model {

// A 5-D tensor in ChannelsLast3d, a 4-D one in ChannelsLast, others as they are.
at::Tensor to_channels_last(const at::Tensor& t);

// Every convolution weight of `module` (4-D and 5-D parameters) in place.
void use_channels_last(torch::nn::Module& module);

}  // namespace avflow::model
