// example_random_batches: a source of seeded random float tensors of one
// shape, e.g. stand-in clip and mel batches for a train_step.
//
//   [[node]]
//   name = "video"
//   op = "example_random_batches"
//   shape = [4, 3, 4, 32, 32]    # [B, 3, T, H, W]
//   count = 3
//   seed = 1
#include <ATen/ATen.h>
#include <ATen/CPUGeneratorImpl.h>

#include "engine/operator.h"
#include "engine/payloads/tensor.h"
#include "engine/plugin_api.h"

namespace example_model {

class RandomBatches final : public avflow::Operator {
 public:
  static inline const avflow::Out<avflow::Tensor> kOut{"out", "float tensors of `shape`, standard normal"};
  static inline const avflow::Param<std::vector<int64_t>> kShape{"shape", avflow::kRequired, "sizes of each tensor"};
  static inline const avflow::Param<int64_t> kCount{"count", 1, avflow::Range{0, 1e6}, "tensors to emit"};
  static inline const avflow::Param<int64_t> kSeed{"seed", 0, "seed of the draws"};
  AVFLOW_CONTRACT(kOut, kShape, kCount, kSeed);

  void open(avflow::Context& ctx) override {
    shape_ = ctx.param(kShape);
    count_ = ctx.param(kCount);
    generator_ = at::make_generator<at::CPUGeneratorImpl>(static_cast<uint64_t>(ctx.param(kSeed)));
  }

  void process(avflow::Context& ctx) override {
    if (emitted_ == count_) return ctx.end_of_stream();
    ctx.emit(kOut, avflow::Tensor(at::randn(shape_, generator_)));
    ++emitted_;
  }

 private:
  std::vector<int64_t> shape_;
  int64_t count_ = 0, emitted_ = 0;
  at::Generator generator_;
};

}  // namespace example_model

AVFLOW_REGISTER(example_model::RandomBatches, "example_random_batches", "seeded random float tensors of one shape");
