#include "libs/device/side_stream.h"

#include <c10/core/impl/VirtualGuardImpl.h>

namespace avflow::device {

SideStream::SideStream(at::Device device) : device_(device) {
  if (!device.is_cuda()) return;
  stream_ = c10::impl::VirtualGuardImpl(device.type()).getStreamFromGlobalPool(device);
  current_.reset_stream(*stream_);
}

at::Tensor SideStream::to_device(const at::Tensor& t) const {
  if (!stream_ || t.device() == device_) return t.to(device_);
  const at::Tensor pinned = t.is_pinned() ? t : t.pin_memory();
  // The pinned buffer lives until the copy is done: hand_over waits for it,
  // and PyTorch's pinned allocator does not reuse a block in use by a copy.
  return pinned.to(device_, /*non_blocking=*/true);
}

void SideStream::hand_over(const at::Tensor& result) const {
  if (!stream_) return;
  stream_->synchronize();
  if (result.defined() && result.device() == device_)
    result.record_stream(c10::impl::VirtualGuardImpl(device_.type()).getDefaultStream(device_));
}

}  // namespace avflow::device
