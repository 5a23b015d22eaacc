// GPU preprocessing (clip_augment and mel with device = cuda) on a stream of
// its own. On the device's current stream its copies and kernels would
// queue behind train_step's, which computes there, and a pageable copy would
// stall it: on a side stream they overlap. While a SideStream lives it is
// the current stream of the calling thread, and its device the current
// device (no DeviceScope is needed beside it).
//
//   SideStream side(device_);
//   at::Tensor out = compute(side.to_device(input));
//   side.hand_over(out);   // waits for the side stream; then emit `out`
#pragma once

#include <ATen/ATen.h>
#include <c10/core/Stream.h>
#include <c10/core/StreamGuard.h>

#include <optional>

namespace avflow::device {

class SideStream {
 public:
  explicit SideStream(at::Device device);  // nothing to do for the CPU

  // `t` on the device: from the host through page-locked memory, copied
  // asynchronously on the side stream.
  at::Tensor to_device(const at::Tensor& t) const;

  // Waits until the side stream has done its work, so `result` is complete
  // for any stream, and marks it as used by the device's default stream,
  // where the operators downstream compute: the caching allocator then
  // keeps its memory from the side stream's next allocations until the
  // work queued there before it was freed is done.
  void hand_over(const at::Tensor& result) const;

 private:
  at::Device device_;
  std::optional<c10::Stream> stream_;
  c10::OptionalStreamGuard current_;
};

}  // namespace avflow::device
