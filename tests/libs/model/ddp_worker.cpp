// One rank of the distributed tests (ddp_gloo_equality_test.cpp), configured
// as a training process is, by RANK, WORLD_SIZE, MASTER_ADDR and MASTER_PORT.
//
//   ddp_worker train OUT STEPS   the tiny model, STEPS steps of contrastive_step
//                                (train_step's) on this rank's rows of global
//                                batches drawn from fixed seeds, with SGD
//                                (OUT.sgd) and with Adam (OUT.adam); WORLD_SIZE
//                                1 or unset: one process, ordinary batch norm
//   ddp_worker train OUT STEPS GROUP [global|loss_group]
//                                the same with loss groups of GROUP clips, and
//                                batch norm over the global batch or per group
//   ddp_worker primitives OUT    all_gather_rows and SyncBatchNorm3d alone
//
// Outputs: ddp_worker.h. Exit 0, or 1 with the error on stderr.
#include <ATen/ATen.h>
#include <torch/optim/adam.h>
#include <torch/optim/sgd.h>
#include <torch/serialize.h>

#include <cstdio>
#include <string>

#include "libs/model/contrastive_step.h"
#include "libs/model/distributed.h"
#include "libs/model/multi_tensor_adam.h"
#include "libs/model/sync_batch_norm.h"
#include "tests/libs/model/ddp_worker.h"
#include "tests/support/tiny_model.h"

using namespace avflow::model;
namespace ddp = avflow::test::ddp;

namespace {

constexpr int64_t kGlobalBatch = 8;

// Rows [first, first + count) of a batch of `total` that `group`'s rank holds:
// the sampler's contiguous, equal shares.
std::pair<int64_t, int64_t> share(const Distributed* group, int64_t total) {
  if (group == nullptr) return {0, total};
  const int64_t n = total / group->world_size();
  return {group->rank() * n, n};
}

at::Tensor flat(const std::vector<at::Tensor>& tensors) {
  std::vector<at::Tensor> parts;
  for (const auto& t : tensors)
    if (at::isFloatingType(t.scalar_type())) parts.push_back(t.detach().reshape({-1}));
  return at::cat(parts);
}

// Trains a fresh tiny model (seed 5) for `steps` steps with `optimizer_kind`
// ("sgd" or "adam", train_step's) and writes rank 0's TrainOutput to `out`.
struct Grouping {
  int64_t loss_group = 0;
  bool norm_per_group = false;
};

void train_one(Distributed* group, const std::string& optimizer_kind, const std::string& out, int steps,
               Grouping grouping) {
  torch::manual_seed(5);
  AvModel model(avflow::test::tiny_model_options());
  if (group) group->replicate(*model);
  if (grouping.norm_per_group) scope_batch_norm(*model, grouping.loss_group);
  std::unique_ptr<torch::optim::Optimizer> optimizer;
  if (optimizer_kind == "adam") optimizer = std::make_unique<MultiTensorAdam>(model->parameters(), torch::optim::AdamOptions(1e-3));
  else optimizer = std::make_unique<torch::optim::SGD>(model->parameters(), torch::optim::SGDOptions(0.01));
  model->train();
  std::vector<double> losses, norms;
  const auto [first, count] = share(group, kGlobalBatch);
  for (int s = 0; s < steps; ++s) {
    torch::manual_seed(100 + s);  // the same global batch on every rank
    const at::Tensor video = at::randn({kGlobalBatch, 3, 4, 32, 32});
    const at::Tensor audio = at::randn({kGlobalBatch, 1, 32, 40});
    const StepResult r = contrastive_step(model, *optimizer, video.narrow(0, first, count),
                                          audio.narrow(0, first, count), {.group = grouping.loss_group}, group);
    losses.push_back(r.loss);
    norms.push_back(r.grad_norm);
  }
  if (group && group->rank() != 0) return;
  std::vector<at::Tensor> outputs(4);
  outputs[ddp::kParameters] = flat(model->parameters());
  outputs[ddp::kBuffers] = flat(model->buffers());
  outputs[ddp::kLosses] = at::tensor(losses, at::kDouble);
  outputs[ddp::kGradNorms] = at::tensor(norms, at::kDouble);
  torch::save(outputs, out);
}

int train(const std::string& out, int steps, Grouping grouping) {
  auto group = Distributed::from_environment(at::kCPU, std::chrono::seconds(60));
  for (const char* kind : {"sgd", "adam"}) train_one(group.get(), kind, out + "." + kind, steps, grouping);
  return 0;
}

int primitives(const std::string& out) {
  auto group = Distributed::from_environment(at::kCPU, std::chrono::seconds(60));
  if (!group || group->world_size() != 2) throw std::runtime_error("primitives needs WORLD_SIZE=2");
  const int rank = group->rank();
  std::vector<at::Tensor> o(ddp::kRunningVar + 1);

  // all_gather_rows: rank 0 holds 2 rows, rank 1 holds 4 (padded for Gloo).
  torch::manual_seed(20 + rank);
  const at::Tensor rows = at::randn({rank == 0 ? 2 : 4, 5}).requires_grad_();
  const at::Tensor gathered = group->all_gather_rows(rows);
  const at::Tensor weights = at::randn({6, 5});
  (gathered * weights).sum().backward();
  o[ddp::kGatherInput] = rows.detach();
  o[ddp::kGathered] = gathered.detach();
  o[ddp::kGatherWeights] = weights;
  o[ddp::kGatherGrad] = rows.grad();

  // SyncBatchNorm3d: rank 0 holds 3 clips, rank 1 holds 5.
  SyncBatchNorm3d norm(3);
  {
    torch::NoGradGuard no_grad;
    norm->weight.copy_(at::tensor({0.5, 1.0, 2.0}));
    norm->bias.copy_(at::tensor({0.1, -0.2, 0.3}));
  }
  o[ddp::kNormWeight] = norm->weight.detach().clone();
  o[ddp::kNormBias] = norm->bias.detach().clone();
  synchronise_batch_norm(*norm, group);
  norm->train();
  torch::manual_seed(40 + rank);
  const int64_t clips = rank == 0 ? 3 : 5;
  const at::Tensor x = (at::randn({clips, 3, 2, 4, 4}) * 3 + 1).requires_grad_();
  const at::Tensor dy = at::randn({clips, 3, 2, 4, 4});
  const at::Tensor y = norm(x);
  (y * dy).sum().backward();
  group->all_reduce_gradients(*norm);
  o[ddp::kNormInput] = x.detach();
  o[ddp::kNormOutputGrad] = dy;
  o[ddp::kNormOutput] = y.detach();
  o[ddp::kNormInputGrad] = x.grad();
  o[ddp::kNormWeightGrad] = norm->weight.grad();
  o[ddp::kNormBiasGrad] = norm->bias.grad();
  o[ddp::kRunningMean] = norm->running_mean.clone();
  o[ddp::kRunningVar] = norm->running_var.clone();
  torch::save(o, out + "." + std::to_string(rank));
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  at::set_num_threads(1);
  const std::string mode = argc > 2 ? argv[1] : "";
  try {
    if (mode == "train" && argc == 4) return train(argv[2], std::stoi(argv[3]), {});
    if (mode == "train" && (argc == 5 || argc == 6))
      return train(argv[2], std::stoi(argv[3]),
                   {.loss_group = std::stoll(argv[4]), .norm_per_group = argc == 6 && std::string(argv[5]) == "loss_group"});
    if (mode == "primitives" && argc == 3) return primitives(argv[2]);
    std::fprintf(stderr, "usage: ddp_worker train OUT STEPS [GROUP [global|loss_group]] | ddp_worker primitives OUT\n");
    return 2;
  } catch (const std::exception& e) {
    std::fprintf(stderr, "ddp_worker %s: %s\n", mode.c_str(), e.what());
    return 1;
  }
}
