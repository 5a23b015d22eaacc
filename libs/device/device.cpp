#include "libs/device/device.h"

#include <ATen/Context.h>
#include <c10/core/impl/VirtualGuardImpl.h>

#include <stdexcept>

namespace avflow::device {

bool cuda_available() { return at::hasCUDA(); }

namespace {

at::Device this_process_gpu(const EnvLookup& lookup) {
  const int64_t count = c10::impl::VirtualGuardImpl(at::kCUDA).deviceCount();
  const int64_t local_rank = env_whole_number("LOCAL_RANK", 0, 1 << 20, lookup).value_or(0);
  if (local_rank >= count)
    throw std::invalid_argument("device = \"cuda\": LOCAL_RANK is " + std::to_string(local_rank) + " but this machine shows " +
                                std::to_string(count) + " GPU(s) (numbered from 0); start at most " +
                                std::to_string(count) + " processes per machine or set CUDA_VISIBLE_DEVICES");
  return at::Device(at::kCUDA, static_cast<c10::DeviceIndex>(local_rank));
}

}  // namespace

at::Device resolve_device(const std::string& choice, const EnvLookup& lookup) {
  if (choice == "cpu") return at::kCPU;
  if (choice == "auto") return cuda_available() ? this_process_gpu(lookup) : at::Device(at::kCPU);
  if (choice == "cuda") {
    if (!cuda_available())
      throw std::invalid_argument(
          "device = \"cuda\" but no CUDA device is usable (this LibTorch is a CPU build or no GPU is visible); "
          "use device = \"cpu\" or \"auto\"");
    return this_process_gpu(lookup);
  }
  throw std::invalid_argument("unknown device \"" + choice + "\" (expected cpu, cuda or auto)");
}

}  // namespace avflow::device
