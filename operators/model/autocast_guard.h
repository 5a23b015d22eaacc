// Mixed precision for a forward pass: while an AutocastGuard lives, LibTorch
// runs matrix products and convolutions on `device` in `dtype` (bf16) and
// keeps reductions and the loss in float32, as torch.autocast does. The
// previous state is restored on destruction. Autocast state is per thread.
#pragma once

#include <ATen/ATen.h>

namespace avflow::model {

class AutocastGuard {
 public:
  AutocastGuard(at::DeviceType device, at::ScalarType dtype);
  ~AutocastGuard();
  AutocastGuard(const AutocastGuard&) = delete;
  AutocastGuard& operator=(const AutocastGuard&) = delete;

 private:
  at::DeviceType device_;
  bool was_enabled_ = false;
  at::ScalarType was_dtype_ = at::kFloat;
};

}  // namespace avflow::model
