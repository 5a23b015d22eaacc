#include "operators/common/device.h"

#include <ATen/Context.h>

#include <stdexcept>

namespace avflow::ops {

bool cuda_available() { return at::hasCUDA(); }

at::Device resolve_device(const std::string& choice) {
  if (choice == "cpu") return at::kCPU;
  if (choice == "auto") return cuda_available() ? at::Device(at::kCUDA) : at::Device(at::kCPU);
  if (choice == "cuda") {
    if (!cuda_available())
      throw std::invalid_argument(
          "device = \"cuda\" but no CUDA device is usable (this LibTorch is a CPU build or no GPU is visible); "
          "use device = \"cpu\" or \"auto\"");
    return at::kCUDA;
  }
  throw std::invalid_argument("unknown device \"" + choice + "\" (expected cpu, cuda or auto)");
}

}  // namespace avflow::ops
