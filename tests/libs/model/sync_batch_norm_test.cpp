// SyncBatchNorm without a process group is torch's BatchNorm: the same
// parameter and buffer names (checkpoints load either way) and the same
// results. Over ranks it is checked in ddp_gloo_equality_test.cpp.
#include <ATen/ATen.h>
#include <torch/nn/modules/batchnorm.h>

#include <catch2/catch.hpp>

#include "libs/model/sync_batch_norm.h"

using namespace avflow::model;

namespace {

template <class A, class B>
void check_same_state(const A& a, const B& b) {
  CHECK(a->named_parameters().keys() == b->named_parameters().keys());
  CHECK(a->named_buffers().keys() == b->named_buffers().keys());
  for (const auto& item : a->named_buffers()) CHECK(at::equal(item.value(), b->named_buffers()[item.key()]));
}

}  // namespace

TEST_CASE("SyncBatchNorm alone is torch's BatchNorm, names and results", "[model][distributed]") {
  SyncBatchNorm3d sync(4);
  torch::nn::BatchNorm3d plain(4);
  SyncBatchNorm2d sync2(4);
  torch::nn::BatchNorm2d plain2(4);
  check_same_state(sync, plain);
  check_same_state(sync2, plain2);
  at::manual_seed(3);
  const at::Tensor x = at::randn({2, 4, 3, 5, 5}), m = at::randn({2, 4, 7, 9});
  for (int step = 0; step < 2; ++step) {
    CHECK(at::equal(sync(x), plain(x)));
    CHECK(at::equal(sync2(m), plain2(m)));
  }
  check_same_state(sync, plain);
  sync->eval();
  plain->eval();
  CHECK(at::equal(sync(x), plain(x)));
}
