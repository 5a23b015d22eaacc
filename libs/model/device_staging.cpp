#include "libs/model/device_staging.h"

#include <c10/core/StreamGuard.h>
#include <c10/core/impl/VirtualGuardImpl.h>

namespace avflow::model {

DeviceStaging::DeviceStaging(at::Device device) : device_(device) {
  if (device_.is_cuda()) {
    if (!device_.has_index()) device_ = at::Device(device_.type(), c10::impl::VirtualGuardImpl(device_.type()).getDevice().index());
    copy_stream_ = c10::impl::VirtualGuardImpl(device_.type()).getStreamFromGlobalPool(device_);
  }
}

StagedTensor DeviceStaging::start(const at::Tensor& host) {
  if (!copy_stream_ || host.device() == device_) return {host.to(device_), std::nullopt};
  // Only page-locked memory can be read by the copy engine while the CPU
  // goes on; pageable memory would make the transfer synchronous. PyTorch's
  // pinned allocator caches these buffers and keeps each one until the
  // transfer that reads it has finished.
  at::Tensor pinned = host;
  if (!host.is_pinned()) {
    pinned = at::empty(host.sizes(), host.options().pinned_memory(true));
    pinned.copy_(host);
  }
  StagedTensor staged;
  {
    c10::StreamGuard on_copy_stream(*copy_stream_);
    staged.tensor = pinned.to(device_, /*non_blocking=*/true);
  }
  staged.copied.emplace(device_.type());
  staged.copied->record(*copy_stream_);
  return staged;
}

at::Tensor DeviceStaging::take(StagedTensor staged) const {
  if (!staged.copied) return staged.tensor;
  const c10::Stream compute = c10::impl::VirtualGuardImpl(device_.type()).getStream(device_);
  staged.copied->block(compute);
  // The tensor was allocated while the copy stream was current: tell the
  // caching allocator that the compute stream uses it too, so its memory is
  // not handed out again before the step that reads it is done.
  staged.tensor.record_stream(compute);
  return staged.tensor;
}

}  // namespace avflow::model
