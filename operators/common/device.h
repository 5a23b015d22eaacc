// The `device` parameter of operators with a CPU and a CUDA path.
#pragma once

#include <ATen/ATen.h>

#include <string>

#include "engine/params.h"

namespace avflow::ops {

// Declared by each operator that has both paths, so `avflow ops` shows it.
inline Param<std::string> device_param() {
  return Param<std::string>{"device", "cpu", Choices{"cpu", "cuda", "auto"},
                            "where to compute: cpu, cuda (fails without a GPU) or auto (cuda when present)"};
}

// "cpu", "cuda" or "auto" to a device; "cuda" without a usable GPU throws,
// saying why (a CPU-only LibTorch, or no device visible).
at::Device resolve_device(const std::string& choice);

// True when this build can run CUDA code and a GPU is visible.
bool cuda_available();

}  // namespace avflow::ops
