// Host-to-device copies that overlap with compute. On CUDA, start() copies a
// host batch into pinned (page-locked) memory and queues its transfer on a
// copy stream of its own, so the transfer runs on the GPU's copy engine
// while the compute stream is still busy with the previous step; take()
// makes the compute stream wait for that transfer (an event, not the CPU)
// and returns the tensor on the device. On the CPU, or for a tensor already
// on the device, there is nothing to move and both calls hand the tensor on.
//
//   DeviceStaging staging(device);
//   StagedTensor next = staging.start(host_batch);  // while the GPU computes
//   ...
//   at::Tensor batch = staging.take(std::move(next));  // before the next step
#pragma once

#include <ATen/ATen.h>
#include <c10/core/Event.h>
#include <c10/core/Stream.h>

#include <optional>

namespace avflow::model {

struct StagedTensor {
  at::Tensor tensor;                // on the device once `copied` has happened
  std::optional<c10::Event> copied;  // recorded on the copy stream; none: no copy
};

class DeviceStaging {
 public:
  explicit DeviceStaging(at::Device device);

  StagedTensor start(const at::Tensor& host);
  at::Tensor take(StagedTensor staged) const;

  const at::Device& device() const { return device_; }

 private:
  at::Device device_;
  std::optional<c10::Stream> copy_stream_;  // CUDA only
};

}  // namespace avflow::model
