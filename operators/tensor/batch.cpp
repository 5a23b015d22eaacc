// batch: stacks every `size` consecutive tensors into one tensor with a new
// leading dimension.
//
//   [[node]]
//   name = "batch"
//   op = "batch"
//   size = 8              # 0: the per-process batch size a sampler upstream published
//   drop_last = false     # at end of stream, emit or drop a partial batch
//   pin_memory = true     # page-locked batches, for a CUDA trainer downstream
//
// A batch records its items' numbers (Tensor::items), so a node pairing two
// batches can check they hold the same items.
// A batch's items stay in flight until it is emitted (kHoldsInputs), so the
// graph's max_in_flight must exceed `size`.
// All tensors of a batch must have the same shape; a mismatch names both.
// With pin_memory, batches of CPU tensors are stacked straight into
// page-locked memory, which train_step then copies to the GPU asynchronously
// without first copying it again on the host (device_staging.h); where this
// LibTorch or machine has no CUDA they are stacked as usual.
#include <ATen/ATen.h>

#include <vector>

#include "engine/operator.h"
#include "engine/payloads/tensor.h"
#include "engine/registry.h"

namespace avflow::ops {

class Batch final : public Operator {
 public:
  static inline const In<Tensor> kIn{"in", "tensors of one shape"};
  static inline const Out<Tensor> kOut{"out", "stacked batch [size, ...]"};
  static inline const Param<int64_t> kSize{"size", 8, Range{0, 1 << 20},
                                           "items per batch; 0: the sampler's batch for this process (side value rank_batch_size)"};
  static inline const Param<bool> kDropLast{"drop_last", false, "drop a final partial batch instead of emitting it"};
  static inline const Param<bool> kPinMemory{
      "pin_memory", false,
      "stack CPU tensors into page-locked memory, which a CUDA consumer copies asynchronously (ignored without CUDA)"};
  AVFLOW_CONTRACT(kIn, kOut, kSize, kDropLast, kPinMemory, kHoldsInputs,
                  Reads{.name = "rank_batch_size", .param = "size", .doc = "the sampler's batch for this process"});

  void open(Context& ctx) override {
    size_ = ctx.param_or_read(kSize);
    pin_ = ctx.param(kPinMemory) && at::hasCUDA();
    pending_.reserve(static_cast<size_t>(size_));
  }

  void process(Context& ctx) override {
    const at::Tensor& t = ctx.input(kIn).get();
    if (!pending_.empty() && pending_.front().sizes() != t.sizes())
      throw std::invalid_argument("tensor of shape " + Tensor(t).str() + " cannot join a batch of " +
                                  Tensor(pending_.front()).str());
    pending_.push_back(t);
    items_.push_back(ctx.item());
    if (static_cast<int64_t>(pending_.size()) == size_) flush(ctx);
  }

  void finish(Context& ctx) override {
    if (!pending_.empty() && !ctx.param(kDropLast)) flush(ctx);
    pending_.clear();
    items_.clear();
  }

 private:
  void flush(Context& ctx) {
    const at::Tensor& first = pending_.front();
    if (pin_ && first.device().is_cpu()) {
      std::vector<int64_t> shape = first.sizes().vec();
      shape.insert(shape.begin(), static_cast<int64_t>(pending_.size()));
      at::Tensor out = at::empty(shape, first.options().pinned_memory(true));
      at::stack_out(out, pending_);
      ctx.emit(kOut, std::move(Tensor(std::move(out)).with_items(std::move(items_))));
    } else {
      ctx.emit(kOut, std::move(Tensor(at::stack(pending_)).with_items(std::move(items_))));
    }
    pending_.clear();
    items_.clear();
  }

  bool pin_ = false;
  int64_t size_ = 0;
  std::vector<at::Tensor> pending_;
  std::vector<uint64_t> items_;
};

AVFLOW_REGISTER(Batch, "batch", "stacks consecutive tensors into batches");

}  // namespace avflow::ops
