// tensor_stats: summary statistics of each tensor, as scalars.
//
//   [[node]]
//   name = "stats"
//   op = "tensor_stats"
//
// Emits mean, std, min, max, rms and numel; the step is the item number.
#include <ATen/ATen.h>

#include "engine/operator.h"
#include "engine/payloads/scalars.h"
#include "engine/payloads/tensor.h"
#include "engine/registry.h"

namespace avflow::ops {

class TensorStats final : public Operator {
 public:
  static inline const In<Tensor> kIn{"in", "any numeric tensor"};
  static inline const Out<Scalars> kOut{"out", "mean, std, min, max, rms, numel"};
  AVFLOW_CONTRACT(kIn, kOut, kOneToOne, kParallel);

  void process(Context& ctx) override {
    at::Tensor t = ctx.input(kIn).get().to(at::kDouble);
    if (t.numel() == 0) throw std::invalid_argument("empty tensor " + ctx.input(kIn).str());
    Scalars s;
    s.step = static_cast<int64_t>(ctx.item());
    s.values = {{"mean", t.mean().item<double>()},
                {"std", t.numel() > 1 ? t.std().item<double>() : 0.0},
                {"min", t.min().item<double>()},
                {"max", t.max().item<double>()},
                {"rms", t.square().mean().sqrt().item<double>()},
                {"numel", static_cast<double>(t.numel())}};
    ctx.emit(kOut, std::move(s));
  }
};

AVFLOW_REGISTER(TensorStats, "tensor_stats", "mean, std, min, max and rms of each tensor");

}  // namespace avflow::ops
