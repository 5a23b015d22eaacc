// Batch norm per loss group (scope_batch_norm): in training each group of
// consecutive rows is normalised with its own statistics, the running
// averages follow the mean of the groups' statistics, and evaluation uses
// the running averages as always.
#include <catch2/catch.hpp>

#include <torch/torch.h>

#include "libs/model/sync_batch_norm.h"

using namespace avflow::model;
using Catch::Matchers::Contains;

TEST_CASE("batch norm per group normalises each group with its own statistics", "[model][batch_norm]") {
  torch::manual_seed(7);
  SyncBatchNorm3d norm(torch::nn::BatchNormOptions(4).momentum(0.1));
  torch::nn::BatchNorm3d reference(torch::nn::BatchNormOptions(4).momentum(0.1));
  {
    torch::NoGradGuard no_grad;
    norm->weight.uniform_(0.5, 1.5);
    norm->bias.uniform_(-0.5, 0.5);
  }
  scope_batch_norm(*norm, 3);
  norm->train();
  const torch::Tensor x = torch::randn({6, 4, 2, 3, 3}) * 2 + 1;
  const torch::Tensor y = norm->forward(x);
  for (int64_t g = 0; g < 2; ++g) {
    const torch::Tensor part = x.narrow(0, 3 * g, 3);
    const torch::Tensor expected = torch::batch_norm(part, norm->weight, norm->bias, {}, {}, true, 0.0, 1e-5, false);
    CHECK(torch::allclose(y.narrow(0, 3 * g, 3), expected, 1e-5, 1e-6));
  }
  // Running averages: the mean over groups of each group's mean and
  // unbiased variance, one update per forward.
  const torch::Tensor groups = x.reshape({2, 3, 4, -1});
  const torch::Tensor mean = groups.mean({1, 3}).mean(0), var = groups.var({1, 3}, true).mean(0);
  CHECK(torch::allclose(norm->running_mean, 0.1 * mean, 1e-5, 1e-6));
  CHECK(torch::allclose(norm->running_var, 0.9 * torch::ones({4}) + 0.1 * var, 1e-5, 1e-6));
  CHECK(norm->num_batches_tracked.item<int64_t>() == 1);

  // Gradients flow through every group.
  torch::Tensor xg = x.clone().requires_grad_(true);
  norm->forward(xg).pow(2).sum().backward();
  CHECK(xg.grad().abs().sum().item<double>() > 0);

  // Evaluation: the running averages, whatever the batch.
  norm->eval();
  const torch::Tensor z = torch::randn({5, 4, 2, 3, 3});
  const torch::Tensor expected =
      torch::batch_norm(z, norm->weight, norm->bias, norm->running_mean, norm->running_var, false, 0.0, 1e-5, false);
  CHECK(torch::allclose(norm->forward(z), expected, 1e-5, 1e-6));
}

TEST_CASE("batch norm per group refuses rows that are not whole groups", "[model][batch_norm][errors]") {
  SyncBatchNorm2d norm(torch::nn::BatchNormOptions(2));
  scope_batch_norm(*norm, 4);
  norm->train();
  CHECK_THROWS_WITH(norm->forward(torch::randn({6, 2, 3, 3})), Contains("6 rows cannot be cut into groups of 4"));
  scope_batch_norm(*norm, 0);  // back to the whole batch
  CHECK_NOTHROW(norm->forward(torch::randn({6, 2, 3, 3})));
}
