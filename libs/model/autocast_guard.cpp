#include "libs/model/autocast_guard.h"

#include <ATen/autocast_mode.h>

#include <stdexcept>
#include <string>

#include "libs/model/torch_compat.h"

namespace avflow::model {
namespace {

bool enabled(at::DeviceType device) {
#ifdef AVFLOW_AUTOCAST_BY_DEVICE
  return at::autocast::is_autocast_enabled(device);
#else
  return device == at::kCUDA ? at::autocast::is_enabled() : at::autocast::is_cpu_enabled();
#endif
}

at::ScalarType dtype_of(at::DeviceType device) {
#ifdef AVFLOW_AUTOCAST_BY_DEVICE
  return at::autocast::get_autocast_dtype(device);
#else
  return device == at::kCUDA ? at::autocast::get_autocast_gpu_dtype() : at::autocast::get_autocast_cpu_dtype();
#endif
}

void set(at::DeviceType device, bool on, at::ScalarType dtype) {
#ifdef AVFLOW_AUTOCAST_BY_DEVICE
  at::autocast::set_autocast_dtype(device, dtype);
  at::autocast::set_autocast_enabled(device, on);
#else
  if (device == at::kCUDA) {
    at::autocast::set_autocast_gpu_dtype(dtype);
    at::autocast::set_enabled(on);
  } else {
    at::autocast::set_autocast_cpu_dtype(dtype);
    at::autocast::set_cpu_enabled(on);
  }
#endif
}

}  // namespace

AutocastGuard::AutocastGuard(at::DeviceType device, at::ScalarType dtype) : device_(device) {
  if (device != at::kCPU && device != at::kCUDA)
    throw std::invalid_argument(std::string("autocast: only cpu and cuda are supported, not ") + c10::DeviceTypeName(device));
  was_enabled_ = enabled(device);
  was_dtype_ = dtype_of(device);
  set(device, true, dtype);
  at::autocast::increment_nesting();
}

AutocastGuard::~AutocastGuard() {
  // Casts of the weights are cached while autocast is on; drop them when the
  // outermost guard ends, as torch.autocast does.
  if (at::autocast::decrement_nesting() == 0) at::autocast::clear_cache();
  set(device_, was_enabled_, was_dtype_);
}

AutocastPause::AutocastPause(at::DeviceType device) : device_(device) {
  if (device != at::kCPU && device != at::kCUDA) return;
  was_enabled_ = enabled(device);
  dtype_ = dtype_of(device);
  if (was_enabled_) set(device, false, dtype_);
}

AutocastPause::~AutocastPause() {
  if (was_enabled_) set(device_, true, dtype_);
}

}  // namespace avflow::model
