#include "libs/model/model_snapshot.h"

#include <torch/torch.h>

namespace avflow::model {

std::shared_ptr<const ModelSnapshot> snapshot_of(AvModel& model, int64_t step, double epoch) {
  auto snapshot = std::make_shared<ModelSnapshot>();
  snapshot->step = step;
  snapshot->epoch = epoch;
  snapshot->model = AvModel(model->options());
  AvModel& copy = snapshot->model;
  const at::Device device = model->parameters().front().device();
  copy->to(device);
  torch::NoGradGuard no_grad;
  // Same module tree, so the same names; copy_ keeps each tensor's dtype and
  // device, and a mismatch would throw naming the tensor.
  const auto params = model->named_parameters(/*recurse=*/true);
  for (auto& p : copy->named_parameters(true)) {
    p.value().copy_(params[p.key()]);
    p.value().set_requires_grad(false);
  }
  const auto buffers = model->named_buffers(true);
  for (auto& b : copy->named_buffers(true)) b.value().copy_(buffers[b.key()]);
  copy->eval();
  return snapshot;
}

}  // namespace avflow::model
