#include "libs/model/sync_batch_norm.h"

#include <ATen/ATen.h>
#include <torch/csrc/autograd/custom_function.h>
#include <torch/nn/functional/batchnorm.h>
#include <torch/utils.h>

#include "libs/model/distributed.h"

namespace avflow::model {
namespace {

// Every dimension but the channels'.
std::vector<int64_t> reduced_dims(const at::Tensor& x) {
  std::vector<int64_t> dims{0};
  for (int64_t d = 2; d < x.dim(); ++d) dims.push_back(d);
  return dims;
}

// A per-channel [C] vector as [1, C, 1, ...] in x's dtype, to broadcast against x.
at::Tensor per_channel(const at::Tensor& v, const at::Tensor& x) {
  std::vector<int64_t> shape(static_cast<size_t>(x.dim()), 1);
  shape[1] = x.size(1);
  return v.to(x.scalar_type()).view(shape);
}

// Statistics, sums and the arithmetic on them run in float32 at least:
// under bf16 autocast the activations are bf16 (8 bits of mantissa), and
// a mean or a sum rounded to that would shift every normalised value.
at::Tensor at_least_float(const at::Tensor& t) {
  return t.scalar_type() == at::kBFloat16 || t.scalar_type() == at::kHalf ? t.to(at::kFloat) : t;
}

struct GlobalStats {
  at::Tensor mean, var;  // [C] in double; var biased
  at::Tensor count;      // values per channel over all ranks, 0-dim double on the device
};

GlobalStats global_stats(const at::Tensor& input, Distributed& group) {
  const int64_t channels = input.size(1);
  const double n = static_cast<double>(input.numel() / std::max<int64_t>(1, channels));
  // Sum and sum of squares from the local mean and variance (computed
  // stably), combined in double, so E[x^2] - E[x]^2 cancels nothing in float.
  const auto [local_var, local_mean] = at::var_mean(at_least_float(input), reduced_dims(input), /*unbiased=*/false);
  const at::Tensor mean = local_mean.to(at::kDouble);
  at::Tensor sums = at::cat({mean * n, (local_var.to(at::kDouble) + mean * mean) * n, at::full({1}, n, mean.options())});
  group.all_reduce_sum(sums, "all-reduce of batch norm statistics");
  GlobalStats s;
  s.count = sums[2 * channels];
  // With more than one value here there are more than one over all ranks;
  // only otherwise is the count read back (which waits for the GPU).
  if (n <= 1) {
    const double count = s.count.item<double>();
    if (count <= 1)
      throw std::invalid_argument(
          "sync batch norm: expected more than 1 value per channel over all ranks when training, got " +
          std::to_string(count));
  }
  s.mean = sums.narrow(0, 0, channels) / s.count;
  s.var = (sums.narrow(0, channels, channels) / s.count - s.mean * s.mean).clamp_min(0);
  return s;
}

// y = (x - mean) * invstd * weight + bias with the global mean and invstd,
// which the backward differentiates through (they get no gradient of their own).
struct Normalise : torch::autograd::Function<Normalise> {
  static at::Tensor forward(torch::autograd::AutogradContext* ctx, const at::Tensor& input, const at::Tensor& weight,
                            const at::Tensor& bias, const at::Tensor& mean, const at::Tensor& invstd,
                            const at::Tensor& count, Distributed* group) {
    const at::Tensor scale = weight.defined() ? invstd * weight : invstd;  // double
    const at::Tensor shift = bias.defined() ? bias - mean * scale : -mean * scale;
    ctx->save_for_backward({input, weight, mean, invstd, count});
    ctx->saved_data["has_bias"] = bias.defined();
    group->remember_in(*ctx);
    const at::Tensor x = at_least_float(input);
    return (x * per_channel(scale, x) + per_channel(shift, x)).to(input.scalar_type());
  }

  static torch::autograd::variable_list backward(torch::autograd::AutogradContext* ctx,
                                                 torch::autograd::variable_list grads) {
    const auto saved = ctx->get_saved_variables();
    const at::Tensor &saved_input = saved[0], &weight = saved[1], &mean = saved[2], &invstd = saved[3],
                     &count = saved[4];
    const at::Tensor input = at_least_float(saved_input);
    // In the input's layout: channels-last stays channels-last.
    const at::Tensor dy = at_least_float(grads[0]).contiguous(saved_input.suggest_memory_format());
    const int64_t channels = input.size(1);
    const auto dims = reduced_dims(input);
    const at::Tensor x_hat = (input - per_channel(mean, input)) * per_channel(invstd, input);
    const at::Tensor sum_dy = dy.sum(dims);
    const at::Tensor sum_dy_xhat = (dy * x_hat).sum(dims);
    at::Tensor sums = at::cat({sum_dy, sum_dy_xhat}).to(at::kDouble);
    Distributed::remembered(*ctx).all_reduce_sum(sums, "all-reduce of batch norm gradients");
    const at::Tensor mean_dy = sums.narrow(0, 0, channels) / count;
    const at::Tensor mean_dy_xhat = sums.narrow(0, channels, channels) / count;
    const at::Tensor scale = weight.defined() ? invstd * weight : invstd;
    const at::Tensor dx =
        ((dy - per_channel(mean_dy, input) - x_hat * per_channel(mean_dy_xhat, input)) * per_channel(scale, input))
            .to(saved_input.scalar_type());
    // This rank's parts of dweight and dbias: the gradients' all-reduce sums them.
    const at::Tensor d_weight = weight.defined() ? sum_dy_xhat.to(weight.scalar_type()) : at::Tensor();
    const at::Tensor d_bias =
        ctx->saved_data["has_bias"].toBool() ? (weight.defined() ? sum_dy.to(weight.scalar_type()) : sum_dy) : at::Tensor();
    return {dx, d_weight, d_bias, at::Tensor(), at::Tensor(), at::Tensor(), at::Tensor()};
  }
};

}  // namespace

at::Tensor sync_batch_norm(const at::Tensor& input, const at::Tensor& weight, const at::Tensor& bias,
                           const at::Tensor& running_mean, const at::Tensor& running_var, double momentum, double eps,
                           Distributed& group) {
  GlobalStats s;
  {
    torch::NoGradGuard no_grad;
    s = global_stats(input.detach(), group);
    if (running_mean.defined()) running_mean.mul_(1 - momentum).add_(s.mean.to(running_mean.scalar_type()), momentum);
    if (running_var.defined())
      running_var.mul_(1 - momentum).add_((s.var * (s.count / (s.count - 1))).to(running_var.scalar_type()), momentum);
  }
  const at::Tensor invstd = (s.var + eps).rsqrt();
  return Normalise::apply(input, weight, bias, s.mean, invstd, s.count, &group);
}

template <size_t D>
at::Tensor SyncBatchNormImpl<D>::forward(const at::Tensor& input) {
  _check_input_dim(input);
  // As torch's BatchNorm: the running averages' factor, then batch_norm.
  double momentum = this->options.momentum().value_or(0.0);
  if (this->is_training() && this->options.track_running_stats() && this->num_batches_tracked.defined()) {
    this->num_batches_tracked += 1;
    if (!this->options.momentum()) momentum = 1.0 / this->num_batches_tracked.template item<double>();
  }
  const bool batch_statistics = this->is_training() || !this->options.track_running_stats();
  if (group_rows_ > 0 && batch_statistics) return forward_per_group(input, momentum);
  if (group_ && batch_statistics)
    return sync_batch_norm(input, this->weight, this->bias, this->running_mean, this->running_var, momentum,
                           this->options.eps(), *group_);
  return torch::nn::functional::detail::batch_norm(input, this->running_mean, this->running_var, this->weight,
                                                   this->bias, batch_statistics, momentum, this->options.eps());
}

template <size_t D>
at::Tensor SyncBatchNormImpl<D>::forward_per_group(const at::Tensor& input, double momentum) {
  const int64_t rows = input.size(0), g = group_rows_;
  TORCH_CHECK(rows % g == 0, "batch norm per loss group: ", rows, " rows cannot be cut into groups of ", g,
              " (each process's rows must be a multiple of the loss group)");
  const double eps = this->options.eps();
  std::vector<at::Tensor> parts;
  for (int64_t first = 0; first < rows; first += g)
    parts.push_back(at::batch_norm(input.narrow(0, first, g), this->weight, this->bias, /*running_mean=*/{},
                                   /*running_var=*/{}, /*training=*/true, 0.0, eps, at::globalContext().userEnabledCuDNN()));
  if (this->options.track_running_stats() && this->running_mean.defined()) {
    // The groups' mean and unbiased variance per channel, averaged over
    // every group of the global batch.
    torch::NoGradGuard no_grad;
    const int64_t channels = input.size(1);
    const at::Tensor x = input.detach().to(at::kFloat).reshape({rows / g, g, channels, -1});
    at::Tensor sums = at::cat({x.mean({1, 3}).sum(0), x.var({1, 3}, /*unbiased=*/true).sum(0),
                               at::full({1}, static_cast<double>(rows / g), x.options())});
    if (group_) group_->all_reduce_sum(sums, "all-reduce of batch norm group statistics");
    const at::Tensor groups = sums.narrow(0, 2 * channels, 1);
    const at::Tensor mean = sums.narrow(0, 0, channels) / groups, var = sums.narrow(0, channels, channels) / groups;
    this->running_mean.mul_(1 - momentum).add_(mean.to(this->running_mean.scalar_type()), momentum);
    this->running_var.mul_(1 - momentum).add_(var.to(this->running_var.scalar_type()), momentum);
  }
  return at::cat(parts);
}

template <size_t D>
void SyncBatchNormImpl<D>::_check_input_dim(const at::Tensor& input) {
  TORCH_CHECK(input.dim() == static_cast<int64_t>(D) + 2, "expected ", D + 2, "D input (got ", input.dim(), "D input)");
}

template <size_t D>
void SyncBatchNormImpl<D>::pretty_print(std::ostream& stream) const {
  stream << "avflow::model::SyncBatchNorm" << D << "d(" << this->options.num_features()
         << ", eps=" << this->options.eps() << ", momentum=";
  if (this->options.momentum()) stream << *this->options.momentum();
  else stream << "None";
  stream << std::boolalpha << ", affine=" << this->options.affine() << ", track_running_stats=" << this->options.track_running_stats()
         << (group_ ? ", synchronised" : "") << (group_rows_ > 0 ? ", per group of " + std::to_string(group_rows_) : "")
         << ")";
}

template class SyncBatchNormImpl<2>;
template class SyncBatchNormImpl<3>;

void synchronise_batch_norm(torch::nn::Module& module, const std::shared_ptr<Distributed>& group) {
  auto attach = [&](torch::nn::Module& m) {
    if (auto* bn2 = m.as<SyncBatchNorm2dImpl>()) bn2->synchronise(group);
    if (auto* bn3 = m.as<SyncBatchNorm3dImpl>()) bn3->synchronise(group);
  };
  attach(module);
  for (const auto& child : module.modules(/*include_self=*/false)) attach(*child);
}

void scope_batch_norm(torch::nn::Module& module, int64_t rows) {
  auto scope = [&](torch::nn::Module& m) {
    if (auto* bn2 = m.as<SyncBatchNorm2dImpl>()) bn2->per_group(rows);
    if (auto* bn3 = m.as<SyncBatchNorm3dImpl>()) bn3->per_group(rows);
  };
  scope(module);
  for (const auto& child : module.modules(/*include_self=*/false)) scope(*child);
}

}  // namespace avflow::model
