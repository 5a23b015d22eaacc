// The (2+1)D convolutions through conv2d give at::conv3d's result and
// gradients for spatial, temporal and pointwise kernels with their strides.
#include <catch2/catch.hpp>
#include <torch/torch.h>

#include "libs/model/factorised_conv3d.h"

using namespace avflow::model;
using Triple = FactorisedConv3dImpl::Triple;

namespace {

void check_against_conv3d(Triple kernel, Triple stride, Triple padding) {
  torch::manual_seed(3);
  FactorisedConv3d conv(5, 7, kernel, stride, padding);
  const auto x = torch::randn({2, 5, 6, 9, 11}, torch::requires_grad());
  const auto x3 = x.detach().clone().requires_grad_(true);
  const auto w3 = conv->weight.detach().clone().requires_grad_(true);
  const auto y = conv->forward(x);
  const auto y3 = at::conv3d(x3, w3, {}, {stride[0], stride[1], stride[2]}, {padding[0], padding[1], padding[2]});
  REQUIRE(y.sizes() == y3.sizes());
  CHECK(torch::allclose(y, y3, 1e-5, 1e-5));
  const auto g = torch::randn_like(y);
  y.backward(g);
  y3.backward(g);
  CHECK(torch::allclose(x.grad(), x3.grad(), 1e-5, 1e-5));
  CHECK(torch::allclose(conv->weight.grad(), w3.grad(), 1e-4, 1e-4));
}

}  // namespace

TEST_CASE("a spatial kernel through conv2d equals conv3d, with and without strides", "[model][conv]") {
  check_against_conv3d({1, 3, 3}, {1, 1, 1}, {0, 1, 1});
  check_against_conv3d({1, 3, 3}, {1, 2, 2}, {0, 1, 1});
  check_against_conv3d({1, 7, 7}, {1, 2, 2}, {0, 3, 3});
}

TEST_CASE("a temporal kernel through conv2d equals conv3d, with and without strides", "[model][conv]") {
  check_against_conv3d({3, 1, 1}, {1, 1, 1}, {1, 0, 0});
  check_against_conv3d({3, 1, 1}, {2, 1, 1}, {1, 0, 0});
}

TEST_CASE("a pointwise kernel striding in time and space equals conv3d", "[model][conv]") {
  check_against_conv3d({1, 1, 1}, {2, 2, 2}, {0, 0, 0});
}

TEST_CASE("a full 3D kernel falls back to conv3d", "[model][conv]") { check_against_conv3d({3, 3, 3}, {1, 2, 2}, {1, 1, 1}); }
