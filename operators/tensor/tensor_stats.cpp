// tensor_stats: summary statistics of each tensor, as scalars.
//
//   [[node]]
//   name = "stats"
//   op = "tensor_stats"
//
// Emits mean, std, min, max, rms and numel; the step is the item number.
#include <ATen/ATen.h>

#include <cmath>

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
    const at::Tensor& in = ctx.input(kIn).get();
    if (in.numel() == 0) throw std::invalid_argument("empty tensor " + ctx.input(kIn).str());
    // Two passes over the values in place (a float batch of video is tens of
    // MiB: converting it to double first cost more than the statistics).
    at::Tensor t = in.device().is_cpu() ? in : in.cpu();
    Moments m = t.scalar_type() == at::kFloat ? moments(t.contiguous()) : moments(t.to(at::kDouble).contiguous());
    Scalars s;
    s.step = static_cast<int64_t>(ctx.item());
    s.values = {{"mean", m.mean},
                {"std", m.n > 1 ? std::sqrt(m.centered_squares / static_cast<double>(m.n - 1)) : 0.0},
                {"min", m.min},
                {"max", m.max},
                {"rms", std::sqrt(m.squares / static_cast<double>(m.n))},
                {"numel", static_cast<double>(m.n)}};
    ctx.emit(kOut, std::move(s));
  }

 private:
  struct Moments {
    int64_t n = 0;
    double mean = 0, min = 0, max = 0, squares = 0, centered_squares = 0;
  };

  // Sums in double; the spread from a second pass about the mean, so a large
  // mean does not cancel it away.
  template <class T>
  static Moments moments_of(const T* x, int64_t n) {
    Moments m;
    m.n = n;
    double sum = 0, squares = 0;
    T lo = x[0], hi = x[0];
    for (int64_t i = 0; i < n; ++i) {
      double v = x[i];
      sum += v;
      squares += v * v;
      lo = x[i] < lo ? x[i] : lo;
      hi = x[i] > hi ? x[i] : hi;
    }
    m.mean = sum / static_cast<double>(n);
    m.squares = squares;
    m.min = lo;
    m.max = hi;
    for (int64_t i = 0; i < n; ++i) {
      double d = x[i] - m.mean;
      m.centered_squares += d * d;
    }
    return m;
  }
  static Moments moments(const at::Tensor& t) {
    if (t.scalar_type() == at::kFloat) return moments_of(t.data_ptr<float>(), t.numel());
    return moments_of(t.data_ptr<double>(), t.numel());
  }
};

AVFLOW_REGISTER(TensorStats, "tensor_stats", "mean, std, min, max and rms of each tensor");

}  // namespace avflow::ops
