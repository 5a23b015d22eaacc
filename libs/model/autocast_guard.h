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

// Turns autocast off on `device` while it lives (inside an AutocastGuard's
// scope: for a computation that must stay in float32), and back on after.
class AutocastPause {
 public:
  explicit AutocastPause(at::DeviceType device);
  ~AutocastPause();
  AutocastPause(const AutocastPause&) = delete;
  AutocastPause& operator=(const AutocastPause&) = delete;

 private:
  at::DeviceType device_;
  bool was_enabled_ = false;
  at::ScalarType dtype_ = at::kFloat;
};

}  // namespace avflow::model
