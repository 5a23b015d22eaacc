// The `device` parameter of operators with a CPU and a CUDA path.
#pragma once

#include <ATen/ATen.h>
#include <c10/core/DeviceGuard.h>

#include <string>

#include "engine/env_number.h"
#include "engine/params.h"

namespace avflow::device {

// Declared by each operator that has both paths, so `avflow ops` shows it.
inline Param<std::string> device_param() {
  return Param<std::string>{"device", "cpu", Choices{"cpu", "cuda", "auto"},
                            "where to compute: cpu, cuda (fails without a GPU; this process's GPU is $LOCAL_RANK) "
                            "or auto (cuda when present)"};
}

// "cpu", "cuda" or "auto" to a device; "cuda" without a usable GPU throws,
// saying why (a CPU-only LibTorch, or no device visible). CUDA resolves to
// one GPU, cuda:$LOCAL_RANK (0 when unset), as torchrun assigns them; a
// LOCAL_RANK without a GPU of that number is refused.
at::Device resolve_device(const std::string& choice, const EnvLookup& lookup = nullptr);

// True when this build can run CUDA code and a GPU is visible.
bool cuda_available();

// Makes `device` current on the calling thread while it lives, when it is a
// GPU (the engine runs an operator on any of its worker threads, and a CUDA
// call otherwise lands on whatever device that thread last used); nothing
// for the CPU.
class DeviceScope {
 public:
  explicit DeviceScope(at::Device device) {
    if (device.is_cuda()) guard_.reset_device(device);
  }

 private:
  c10::OptionalDeviceGuard guard_;
};

}  // namespace avflow::device
