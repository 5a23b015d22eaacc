// Data-parallel training over LibTorch's c10d process groups: Gloo for CPU
// tensors, NCCL for CUDA tensors (when this LibTorch has it), joined through a
// TCPStore at MASTER_ADDR:MASTER_PORT and configured by torchrun's variables:
//
//   RANK               this process, 0 .. WORLD_SIZE - 1
//   WORLD_SIZE         processes in the job (unset or 1: not distributed)
//   LOCAL_RANK         this process on its machine (its GPU); default 0
//   LOCAL_WORLD_SIZE   processes on this machine (they share its cores); default 1
//   MASTER_ADDR        host of rank 0's store; default 127.0.0.1
//   MASTER_PORT        its port; required
//
// What the ranks share (contrastive_step.h runs a step with them):
// - state: rank 0's parameters and buffers are broadcast once (replicate), so
//   every rank starts identical and stays so (same gradients, same steps);
// - batch norm: replicate() switches the model's SyncBatchNorm modules to the
//   statistics of the global batch (sync_batch_norm.h);
// - embeddings: all_gather_rows concatenates every rank's rows, with a
//   gradient, so every rank sees the negatives of the whole batch;
// - gradients: summed over ranks, one flat buffer per dtype.
//
// The sampler gives rank r rows [r B / W, (r + 1) B / W) of every global batch
// of B (libs/sampling/batch_sampler.h), which is where all_gather_rows
// puts them: rank order, rows in order.
#pragma once

#include <ATen/core/Tensor.h>
#include <c10/core/DeviceType.h>

#include <chrono>
#include <cstdint>
#include <cstdlib>
#include <functional>
#include <memory>
#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

namespace torch::nn {
class Module;
}
namespace torch::autograd {
struct AutogradContext;
}

namespace avflow::model {

struct DistributedError : std::runtime_error {
  using std::runtime_error::runtime_error;
};

struct DistributedConfig {
  int rank = 0;
  int world_size = 1;
  int local_rank = 0;
  int local_world_size = 1;
  std::string master_addr = "127.0.0.1";
  int master_port = 0;
  // torchrun 2.x's agent serves the store at MASTER_ADDR:MASTER_PORT itself
  // (TORCHELASTIC_USE_AGENT_STORE=True): every rank joins it as a client,
  // under the prefix PyTorch's workers use, /worker/attempt_<restart count>.
  bool agent_store = false;
  int restart_count = 0;  // TORCHELASTIC_RESTART_COUNT

  // Read from torchrun's variables through `lookup` (getenv by default);
  // empty when WORLD_SIZE is unset or 1. Throws DistributedError naming the
  // variable when one is missing (MASTER_PORT, RANK), not a whole number or
  // out of range.
  static std::optional<DistributedConfig> from_environment(
      const std::function<const char*(const char*)>& lookup = [](const char* name) { return std::getenv(name); });
};

inline constexpr std::chrono::milliseconds kDefaultCollectiveTimeout = std::chrono::minutes(30);

class Distributed : public std::enable_shared_from_this<Distributed> {
 public:
  // Joins the group: rank 0 serves the TCPStore, every rank waits for the
  // others up to `timeout` (also the limit of every collective). Gloo for
  // CPU, NCCL for CUDA (DistributedError where this LibTorch has no NCCL).
  static std::shared_ptr<Distributed> join(const DistributedConfig& config, c10::DeviceType device,
                                           std::chrono::milliseconds timeout = kDefaultCollectiveTimeout);
  // join(from_environment()), or nullptr when not distributed.
  static std::shared_ptr<Distributed> from_environment(c10::DeviceType device,
                                                       std::chrono::milliseconds timeout = kDefaultCollectiveTimeout);
  ~Distributed();
  Distributed(const Distributed&) = delete;
  Distributed& operator=(const Distributed&) = delete;

  int rank() const { return config_.rank; }
  int world_size() const { return config_.world_size; }
  const DistributedConfig& config() const { return config_; }
  at::Device device() const { return device_; }  // the CPU, or this rank's GPU (LOCAL_RANK)
  std::string describe() const;                  // "rank 1 of 2"

  // Makes `model` a replica: rank 0's parameters and buffers overwrite every
  // rank's, and its SyncBatchNorm modules use global statistics from now on.
  void replicate(torch::nn::Module& model);
  // Sums every parameter's gradient over the ranks (a missing gradient counts
  // as zeros), packed into one buffer per dtype.
  void all_reduce_gradients(torch::nn::Module& model);

  // Sums over ranks, in place / of one number.
  void all_reduce_sum(at::Tensor& tensor, const std::string& what);
  double all_reduce_sum(double value, const std::string& what);
  // One value from every rank, in rank order.
  std::vector<int64_t> all_gather(int64_t value, const std::string& what);
  // Throws DistributedError, naming each rank's value, unless all ranks agree.
  void require_same(int64_t value, const std::string& what);
  // Every rank's tensor (all of one shape), in rank order; no gradient.
  std::vector<at::Tensor> all_gather(const at::Tensor& tensor, const std::string& what);

  // The rows of every rank concatenated along dim 0 in rank order: `rows`
  // [n_r, ...] -> [sum n_r, ...]; ranks may hold different n_r. Differentiable:
  // the backward sums the incoming gradient over ranks and returns this
  // rank's rows of it, so a loss that each rank takes over its own part of
  // the gathered batch backpropagates as the sum of those parts.
  at::Tensor all_gather_rows(const at::Tensor& rows, const std::vector<int64_t>& counts);
  at::Tensor all_gather_rows(const at::Tensor& rows);  // gathers the counts first

  // For autograd functions whose backward runs a collective: keeps the group
  // in the function's context.
  void remember_in(torch::autograd::AutogradContext& ctx);
  static Distributed& remembered(torch::autograd::AutogradContext& ctx);

 private:
  struct Group;
  Distributed(const DistributedConfig& config, c10::DeviceType device, std::chrono::milliseconds timeout);

  DistributedConfig config_;
  at::Device device_{at::kCPU};
  std::unique_ptr<Group> group_;
};

}  // namespace avflow::model
