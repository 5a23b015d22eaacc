#include "libs/model/multi_tensor_adam.h"

#include <ATen/ATen.h>

#include <cmath>
#include <map>
#include <sstream>
#include <type_traits>
#include <vector>

namespace avflow::model {
namespace {

// The key of a parameter's state: its TensorImpl, as a pointer (LibTorch
// 2.x) or as that pointer printed (1.13), whichever this LibTorch's map uses.
template <class Key>
Key state_key(const at::Tensor& p) {
  if constexpr (std::is_same_v<Key, std::string>) {
    std::ostringstream text;
    text << p.unsafeGetTensorImpl();
    return text.str();
  } else {
    return p.unsafeGetTensorImpl();
  }
}

// The parameters of one update: those whose state has reached the same step
// share their bias corrections.
struct Bucket {
  std::vector<at::Tensor> params, grads, exp_avgs, exp_avg_sqs;
};

}  // namespace

at::Tensor MultiTensorAdam::step(LossClosure closure) {
  for (const auto& group : param_groups())
    if (static_cast<const torch::optim::AdamOptions&>(group.options()).amsgrad()) return Adam::step(closure);
  at::NoGradGuard no_grad;
  at::Tensor loss;
  if (closure != nullptr) {
    at::AutoGradMode enable_grad(true);
    loss = closure();
  }
  using Key = typename std::decay_t<decltype(state_)>::key_type;
  for (auto& group : param_groups()) {
    const auto& options = static_cast<const torch::optim::AdamOptions&>(group.options());
    const double beta1 = std::get<0>(options.betas()), beta2 = std::get<1>(options.betas());
    std::map<int64_t, Bucket> by_step;
    for (auto& p : group.params()) {
      if (!p.grad().defined()) continue;
      TORCH_CHECK(!p.grad().is_sparse(), "Adam does not support sparse gradients");
      auto& slot = state_[state_key<Key>(p)];
      if (!slot) {
        auto fresh = std::make_unique<torch::optim::AdamParamState>();
        fresh->step(0);
        fresh->exp_avg(at::zeros_like(p, at::MemoryFormat::Preserve));
        fresh->exp_avg_sq(at::zeros_like(p, at::MemoryFormat::Preserve));
        slot = std::move(fresh);
      }
      auto& state = static_cast<torch::optim::AdamParamState&>(*slot);
      state.step(state.step() + 1);
      Bucket& b = by_step[state.step()];
      b.params.push_back(p);
      b.grads.push_back(p.grad());
      b.exp_avgs.push_back(state.exp_avg());
      b.exp_avg_sqs.push_back(state.exp_avg_sq());
    }
    for (auto& [step, b] : by_step) {
      const double correction1 = 1 - std::pow(beta1, static_cast<double>(step));
      const double correction2 = 1 - std::pow(beta2, static_cast<double>(step));
      std::vector<at::Tensor> grads = b.grads;
      if (options.weight_decay() != 0) grads = at::_foreach_add(b.grads, b.params, options.weight_decay());
      // The moments: m = beta1 m + (1 - beta1) g; v = beta2 v + (1 - beta2) g^2.
      at::_foreach_mul_(b.exp_avgs, beta1);
      at::_foreach_add_(b.exp_avgs, grads, 1 - beta1);
      at::_foreach_mul_(b.exp_avg_sqs, beta2);
      at::_foreach_addcmul_(b.exp_avg_sqs, grads, grads, 1 - beta2);
      // p -= lr / correction1 * m / (sqrt(v) / sqrt(correction2) + eps)
      std::vector<at::Tensor> denominators = at::_foreach_sqrt(b.exp_avg_sqs);
      at::_foreach_div_(denominators, std::sqrt(correction2));
      at::_foreach_add_(denominators, options.eps());
      at::_foreach_addcdiv_(b.params, b.exp_avgs, denominators, -options.lr() / correction1);
    }
  }
  return loss;
}

}  // namespace avflow::model
