// Distributed data-parallel training on the CPU: ranks are processes of
// ddp_worker (one rank each, configured by torchrun's variables) that meet
// through Gloo on 127.0.0.1. Two ranks with half the batch each must train
// the tiny model to the parameters one process reaches with the whole batch;
// the all-gather's gradient and sync batch norm are checked on their own.
#include <ATen/ATen.h>
#include <torch/nn/modules/batchnorm.h>
#include <torch/csrc/distributed/c10d/TCPStore.hpp>
#include <torch/serialize.h>

#include <catch2/catch.hpp>
#include <memory>

#include "libs/model/distributed.h"
#include "libs/model/sync_batch_norm.h"
#include "runtime/free_port.h"
#include "tests/libs/model/ddp_worker.h"
#include "tests/support/process.h"

using namespace avflow::model;
using namespace avflow::test;
using Catch::Matchers::Contains;

namespace {

// Runs `world` ranks of ddp_worker with `args` at once; each must exit 0.
// `env`: more variables (torchrun's agent store), with the store's port.
void run_ranks(int world, const std::vector<std::string>& args, const std::vector<std::string>& env = {},
               int store_port = 0) {
  const std::string port = std::to_string(store_port > 0 ? store_port : avflow::cli::free_local_port());
  std::vector<std::unique_ptr<BackgroundProcess>> ranks;
  for (int r = 0; r < world; ++r) {
    std::vector<std::string> argv{"/usr/bin/env",          "RANK=" + std::to_string(r),
                                  "WORLD_SIZE=" + std::to_string(world), "LOCAL_RANK=" + std::to_string(r),
                                  "MASTER_ADDR=127.0.0.1", "MASTER_PORT=" + port};
    argv.insert(argv.end(), env.begin(), env.end());
    argv.push_back(AVFLOW_DDP_WORKER);
    argv.insert(argv.end(), args.begin(), args.end());
    ranks.push_back(std::make_unique<BackgroundProcess>(argv));
  }
  for (int r = 0; r < world; ++r) {
    const bool exited = ranks[r]->wait(120);
    INFO("rank " << r << " of " << world << ", stderr:\n" << ranks[r]->result().err);
    REQUIRE(exited);
    REQUIRE(ranks[r]->result().exit_code == 0);
  }
}

std::vector<at::Tensor> load(const std::string& path) {
  std::vector<at::Tensor> tensors;
  torch::load(tensors, path);
  return tensors;
}

// max |a - b| over max |b|: the error relative to the tensor's scale.
double relative_difference(const at::Tensor& a, const at::Tensor& b) {
  REQUIRE(a.sizes() == b.sizes());
  return (a.to(at::kDouble) - b.to(at::kDouble)).abs().max().item<double>() /
         std::max(1e-12, b.to(at::kDouble).abs().max().item<double>());
}

}  // namespace

TEST_CASE("two Gloo ranks with half the batch each train the tiny model as one process with the whole batch",
          "[model][distributed]") {
  TempDir dir;
  constexpr int kSteps = 3;
  run_ranks(1, {"train", dir.path() + "/one", std::to_string(kSteps)});
  run_ranks(2, {"train", dir.path() + "/two", std::to_string(kSteps)});
  namespace ddp = avflow::test::ddp;
  // Relative to the largest parameter (about 1.2). SGD (lr 0.01) is linear
  // in the gradient, so only float rounding separates the runs: measured
  // 1e-7, one ulp. Adam (lr 1e-3, train_step's) divides by sqrt(v) + 1e-8,
  // which amplifies the rounding of gradients near zero (~1e-9): one weight
  // of the last stage moves 6e-5 apart in the first step (of the 1e-3 a step
  // may move it), and stays there: measured 5e-5.
  for (const auto& [optimizer, tolerance] : {std::pair{"sgd", 1e-5}, std::pair{"adam", 2e-4}}) {
    const auto one = load(dir.path() + "/one." + optimizer), two = load(dir.path() + "/two." + optimizer);
    // The same losses and gradient norms at every step: both are global.
    CHECK(relative_difference(two[ddp::kLosses], one[ddp::kLosses]) < 1e-5);
    CHECK(relative_difference(two[ddp::kGradNorms], one[ddp::kGradNorms]) < 1e-5);
    const double parameters = relative_difference(two[ddp::kParameters], one[ddp::kParameters]);
    const double buffers = relative_difference(two[ddp::kBuffers], one[ddp::kBuffers]);
    std::printf("ddp %s: %d steps, max |parameter difference| / max |parameter| %.3g, running statistics %.3g\n",
                optimizer, kSteps, parameters, buffers);
    CAPTURE(optimizer);
    CHECK(parameters < tolerance);
    CHECK(buffers < 1e-5);
  }
}

TEST_CASE("ranks under torchrun 2.x's agent, which serves the store itself, join it as clients and train as before",
          "[model][distributed][torchrun]") {
  TempDir dir;
  run_ranks(2, {"train", dir.path() + "/own", "2"});
  // The agent's store, as torchrun's elastic agent holds it (torch.distributed.run
  // with TORCHELASTIC_USE_AGENT_STORE=True): no rank may serve it again.
  const int port = avflow::cli::free_local_port();
  c10d::TCPStoreOptions options;
  options.port = static_cast<uint16_t>(port);
  options.isServer = true;
  options.waitWorkers = false;
  auto agent = c10::make_intrusive<c10d::TCPStore>("127.0.0.1", options);
  run_ranks(2, {"train", dir.path() + "/agent", "2"},
            {"TORCHELASTIC_USE_AGENT_STORE=True", "TORCHELASTIC_RESTART_COUNT=0"}, port);
  CHECK(agent->getNumKeys() > 0);  // the ranks met in the agent's store
  namespace ddp = avflow::test::ddp;
  for (const char* optimizer : {"sgd", "adam"}) {
    const auto own = load(dir.path() + "/own." + optimizer), under = load(dir.path() + "/agent." + optimizer);
    CHECK(at::equal(under[ddp::kLosses], own[ddp::kLosses]));
    CHECK(at::equal(under[ddp::kParameters], own[ddp::kParameters]));
  }
}

TEST_CASE("loss groups and batch norm per group train alike on one process and on two Gloo ranks",
          "[model][distributed][loss_group]") {
  namespace ddp = avflow::test::ddp;
  constexpr int kSteps = 2;
  // Groups of 4 in the global batch of 8: on two ranks each rank holds one.
  for (const char* norm : {"global", "loss_group"}) {
    TempDir dir;
    run_ranks(1, {"train", dir.path() + "/one", std::to_string(kSteps), "4", norm});
    run_ranks(2, {"train", dir.path() + "/two", std::to_string(kSteps), "4", norm});
    TempDir whole;
    run_ranks(1, {"train", whole.path() + "/one", std::to_string(kSteps)});
    for (const auto& [optimizer, tolerance] : {std::pair{"sgd", 1e-5}, std::pair{"adam", 2e-4}}) {
      CAPTURE(norm, optimizer);
      const auto one = load(dir.path() + "/one." + optimizer), two = load(dir.path() + "/two." + optimizer);
      CHECK(relative_difference(two[ddp::kLosses], one[ddp::kLosses]) < 1e-5);
      CHECK(relative_difference(two[ddp::kGradNorms], one[ddp::kGradNorms]) < 1e-5);
      CHECK(relative_difference(two[ddp::kParameters], one[ddp::kParameters]) < tolerance);
      CHECK(relative_difference(two[ddp::kBuffers], one[ddp::kBuffers]) < 1e-5);
      // The groups change the loss: it is not the whole batch's.
      const auto ungrouped = load(whole.path() + "/one." + optimizer);
      CHECK(relative_difference(one[ddp::kLosses], ungrouped[ddp::kLosses]) > 1e-3);
    }
  }
}

TEST_CASE("all_gather_rows gathers unequal row counts and sums the gradient over ranks", "[model][distributed]") {
  TempDir dir;
  run_ranks(2, {"primitives", dir.path() + "/out"});
  namespace ddp = avflow::test::ddp;
  const auto r0 = load(dir.path() + "/out.0"), r1 = load(dir.path() + "/out.1");
  const at::Tensor all = at::cat({r0[ddp::kGatherInput], r1[ddp::kGatherInput]});
  CHECK(at::equal(r0[ddp::kGathered], all));
  CHECK(at::equal(r1[ddp::kGathered], all));
  // Rank r's loss is sum(gathered * M_r): the rows' gradient is their part of M_0 + M_1.
  const at::Tensor summed = r0[ddp::kGatherWeights] + r1[ddp::kGatherWeights];
  CHECK(at::allclose(r0[ddp::kGatherGrad], summed.narrow(0, 0, 2)));
  CHECK(at::allclose(r1[ddp::kGatherGrad], summed.narrow(0, 2, 4)));
}

TEST_CASE("sync batch norm over two ranks equals batch norm over the concatenated batch", "[model][distributed]") {
  TempDir dir;
  run_ranks(2, {"primitives", dir.path() + "/out"});
  namespace ddp = avflow::test::ddp;
  const auto r0 = load(dir.path() + "/out.0"), r1 = load(dir.path() + "/out.1");
  auto both = [&](int i) { return at::cat({r0[i], r1[i]}); };

  torch::nn::BatchNorm3d norm(3);
  {
    torch::NoGradGuard no_grad;
    norm->weight.copy_(r0[ddp::kNormWeight]);
    norm->bias.copy_(r0[ddp::kNormBias]);
  }
  norm->train();
  const at::Tensor x = both(ddp::kNormInput).requires_grad_();
  const at::Tensor y = norm(x);
  (y * both(ddp::kNormOutputGrad)).sum().backward();

  CHECK(relative_difference(both(ddp::kNormOutput), y.detach()) < 1e-5);
  CHECK(relative_difference(both(ddp::kNormInputGrad), x.grad()) < 1e-5);
  for (const auto& r : {r0, r1}) {
    CHECK(relative_difference(r[ddp::kNormWeightGrad], norm->weight.grad()) < 1e-5);
    CHECK(relative_difference(r[ddp::kNormBiasGrad], norm->bias.grad()) < 1e-5);
    CHECK(relative_difference(r[ddp::kRunningMean], norm->running_mean) < 1e-5);
    CHECK(relative_difference(r[ddp::kRunningVar], norm->running_var) < 1e-5);
  }
}
