// Loss groups (ContrastiveLossOptions::group): each group of consecutive
// rows is its own Eq. 1, its anchors meeting only its own negatives, and
// the loss is the groups' mean; split anchor rows still add up.
#include <catch2/catch.hpp>

#include <stdexcept>

#include <torch/torch.h>

#include "libs/model/contrastive_loss.h"

using namespace avflow::model;
using Catch::Matchers::Contains;

namespace {

double value(const torch::Tensor& t) { return t.item<double>(); }

// The mean of Eq. 1 computed on each group's rows alone.
double mean_of_groups(const torch::Tensor& v, const torch::Tensor& a, int64_t group, ContrastiveLossOptions o) {
  o.group = 0;
  double total = 0;
  const int64_t groups = v.size(0) / group;
  for (int64_t g = 0; g < groups; ++g)
    total += value(contrastive_loss(v.narrow(0, g * group, group), a.narrow(0, g * group, group), o));
  return total / static_cast<double>(groups);
}

}  // namespace

TEST_CASE("a batch in loss groups has each group's Eq. 1, the loss their mean", "[model][loss]") {
  torch::manual_seed(3);
  const torch::Tensor v = torch::randn({12, 5}, torch::kDouble), a = torch::randn({12, 5}, torch::kDouble);
  for (bool normalize : {false, true}) {
    CAPTURE(normalize);
    for (int64_t group : {2, 3, 4, 6}) {
      CAPTURE(group);
      ContrastiveLossOptions o{.normalize = normalize, .tau = 0.3, .group = group};
      CHECK(value(contrastive_loss(v, a, o)) == Approx(mean_of_groups(v, a, group, o)).epsilon(1e-12));
    }
  }
  // One group of the whole batch is the ungrouped loss; groups change it.
  CHECK(value(contrastive_loss(v, a, {.group = 12})) == Approx(value(contrastive_loss(v, a))).epsilon(1e-12));
  CHECK(value(contrastive_loss(v, a, {.group = 4})) != Approx(value(contrastive_loss(v, a))).epsilon(1e-6));
}

TEST_CASE("a grouped loss over split anchor rows weighted by their counts adds up to the whole", "[model][loss]") {
  torch::manual_seed(4);
  const torch::Tensor v = torch::randn({8, 3}, torch::kDouble), a = torch::randn({8, 3}, torch::kDouble);
  const ContrastiveLossOptions o{.group = 4};
  // Rows split across a group boundary, as ranks with unequal shares would.
  const double whole = value(contrastive_loss(v, a, o));
  const double parts = 3 * value(contrastive_loss(v, a, o, {0, 3})) + 5 * value(contrastive_loss(v, a, o, {3, 5}));
  CHECK(parts / 8 == Approx(whole).epsilon(1e-12));
}

TEST_CASE("a grouped loss's gradient reaches no row from another group's anchors", "[model][loss]") {
  torch::manual_seed(5);
  const torch::Tensor v = torch::randn({8, 3}, torch::kDouble).requires_grad_(true);
  const torch::Tensor a = torch::randn({8, 3}, torch::kDouble).requires_grad_(true);
  // The anchors of the first group only: the second group's rows get nothing.
  contrastive_loss(v, a, {.group = 4}, {0, 4}).backward();
  CHECK(v.grad().narrow(0, 4, 4).abs().max().item<double>() == 0.0);
  CHECK(a.grad().narrow(0, 4, 4).abs().max().item<double>() == 0.0);
  CHECK(v.grad().narrow(0, 0, 4).abs().max().item<double>() > 0.0);
}

TEST_CASE("loss groups of one row, or that do not cut the batch, are refused", "[model][loss][errors]") {
  const torch::Tensor v = torch::randn({6, 3}), a = torch::randn({6, 3});
  CHECK_THROWS_WITH(contrastive_loss(v, a, {.group = 1}), Contains("a loss group must hold 2 rows at least"));
  CHECK_THROWS_WITH(contrastive_loss(v, a, {.group = -2}), Contains("a loss group must hold 2 rows at least"));
  CHECK_THROWS_WITH(contrastive_loss(v, a, {.group = 4}),
                    Contains("a batch of B = 6 cannot be cut into loss groups of 4"));
}
