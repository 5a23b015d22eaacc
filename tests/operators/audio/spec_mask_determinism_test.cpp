// spec_mask's output depends only on (seed, item, input): not on how many
// items overlap, nor on how many threads run them.
#include <ATen/ATen.h>
#include <tbb/global_control.h>

#include <catch2/catch.hpp>
#include <vector>

#include "tests/support/tensor_feed.h"

using namespace avflow::test;

namespace {

// Distinct random inputs, so that an item swapped with another would show.
std::vector<at::Tensor> distinct_items(int n) {
  at::manual_seed(31);
  std::vector<at::Tensor> items;
  for (int i = 0; i < n; ++i) items.push_back(at::rand({1, 48, 60}) + static_cast<float>(i));
  return items;
}

void check_same(const std::vector<at::Tensor>& a, const std::vector<at::Tensor>& b) {
  REQUIRE(a.size() == b.size());
  for (size_t i = 0; i < a.size(); ++i) {
    INFO("item " << i);
    CHECK(at::equal(a[i], b[i]));
  }
}

}  // namespace

TEST_CASE("spec_mask gives the same masks with 1 or 16 items in flight and on 1 or 2 threads",
          "[spec_mask][determinism]") {
  const auto inputs = distinct_items(64);
  const std::string params = "seed = 9\nfill = \"mean\"";
  const auto serial = run_tensor_op("spec_mask", params, inputs, 1);
  check_same(serial, run_tensor_op("spec_mask", params, inputs, 16));
  std::vector<at::Tensor> one_thread, two_threads;
  {
    tbb::global_control limit(tbb::global_control::max_allowed_parallelism, 1);
    one_thread = run_tensor_op("spec_mask", params, inputs, 16);
  }
  {
    tbb::global_control limit(tbb::global_control::max_allowed_parallelism, 2);
    two_threads = run_tensor_op("spec_mask", params, inputs, 16);
  }
  check_same(serial, one_thread);
  check_same(serial, two_threads);
}

TEST_CASE("spec_mask with another seed draws other masks", "[spec_mask][determinism]") {
  const auto inputs = distinct_items(64);
  const auto a = run_tensor_op("spec_mask", "seed = 1", inputs);
  const auto b = run_tensor_op("spec_mask", "seed = 2", inputs);
  REQUIRE(a.size() == b.size());
  int differ = 0;
  for (size_t i = 0; i < a.size(); ++i) differ += !at::equal(a[i], b[i]);
  CHECK(differ > 32);
}
