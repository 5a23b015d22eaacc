// Batch norm over the global batch of a distributed run.
//
// SyncBatchNorm2d / SyncBatchNorm3d are torch::nn::BatchNorm2d / 3d built on
// their common base (NormImplBase): the same parameters and buffers under the
// same names, so checkpoints and exported encoders load into either, and,
// alone, the same forward (torch's batch_norm). Once a process group is
// attached (Distributed::replicate, or synchronise_batch_norm), a forward
// that uses batch statistics (training mode) takes them over every rank's
// part of the batch:
//
//   forward   all-reduce per channel: sum x, sum x^2, count; normalise with
//             the global mean and biased variance; the running mean and
//             variance follow the global mean and unbiased variance, as
//             torch's BatchNorm does on one process
//   backward  all-reduce per channel: sum dy, sum dy * x_hat; dx from those
//             global sums and the global count; dweight and dbias are this
//             rank's parts (the gradients' all-reduce adds them up)
//
// So W processes with B / W rows each compute what one process computes on
// the B rows. In evaluation mode the running statistics are used, as always.
//
// Per loss group instead (per_group(G), scope_batch_norm): a training
// forward normalises each group of G consecutive rows with that group's own
// statistics, as the paper's batch norm on each GPU's 64 clips did; no rank
// waits for another. The running mean and variance follow the mean of the
// groups' statistics over the whole global batch (one all-reduce of C
// values), so they too are the same on any number of processes.
#pragma once

#include <torch/nn/modules/batchnorm.h>
#include <torch/nn/pimpl.h>

#include <memory>

namespace avflow::model {

class Distributed;

// D: spatial dimensions (2: [N, C, H, W], 3: [N, C, T, H, W]).
template <size_t D>
class SyncBatchNormImpl : public torch::nn::NormImplBase<D, SyncBatchNormImpl<D>, torch::nn::BatchNormOptions> {
 public:
  using torch::nn::NormImplBase<D, SyncBatchNormImpl<D>, torch::nn::BatchNormOptions>::NormImplBase;
  at::Tensor forward(const at::Tensor& input);
  void pretty_print(std::ostream& stream) const override;
  // nullptr: back to per-process statistics.
  void synchronise(std::shared_ptr<Distributed> group) { group_ = std::move(group); }
  // Rows per statistics group in training; 0: the whole (global) batch.
  void per_group(int64_t rows) { group_rows_ = rows; }

 protected:
  void _check_input_dim(const at::Tensor& input) override;

 private:
  at::Tensor forward_per_group(const at::Tensor& input, double momentum);

  std::shared_ptr<Distributed> group_;
  int64_t group_rows_ = 0;
};

using SyncBatchNorm2dImpl = SyncBatchNormImpl<2>;
using SyncBatchNorm3dImpl = SyncBatchNormImpl<3>;
TORCH_MODULE(SyncBatchNorm2d);
TORCH_MODULE(SyncBatchNorm3d);

// Attaches `group` to every SyncBatchNorm in `module` (nullptr detaches).
void synchronise_batch_norm(torch::nn::Module& module, const std::shared_ptr<Distributed>& group);

// Sets every SyncBatchNorm in `module` to take training statistics over
// groups of `rows` consecutive rows (0: the whole global batch). A training
// forward then throws when its rows are not a multiple of `rows`.
void scope_batch_norm(torch::nn::Module& module, int64_t rows);

// The functional form: `input` [N, C, ...] is this rank's part of the batch;
// running_mean / running_var (may be undefined) are updated with `momentum`.
at::Tensor sync_batch_norm(const at::Tensor& input, const at::Tensor& weight, const at::Tensor& bias,
                           const at::Tensor& running_mean, const at::Tensor& running_var, double momentum, double eps,
                           Distributed& group);

}  // namespace avflow::model
