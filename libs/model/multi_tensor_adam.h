// Adam computed as torch::optim::Adam computes it, but one multi-tensor
// kernel per operation over all of a group's parameters instead of about
// eight kernels per parameter: the paper's model has some 200 parameter
// tensors, so LibTorch's Adam queues ~1,600 small kernels a step on a GPU
// where PyTorch's default (foreach) Adam queues a few dozen. The state is
// Adam's own (step, exp_avg, exp_avg_sq per parameter), so checkpoints
// written by either load into the other. amsgrad falls back to Adam's step.
#pragma once

#include <torch/optim/adam.h>

namespace avflow::model {

class MultiTensorAdam : public torch::optim::Adam {
 public:
  using torch::optim::Adam::Adam;
  at::Tensor step(LossClosure closure = nullptr) override;
};

}  // namespace avflow::model
