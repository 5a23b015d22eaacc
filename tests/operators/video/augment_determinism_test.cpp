#include <ATen/ATen.h>
#include <tbb/global_control.h>

#include <catch2/catch.hpp>

#include "tests/support/clip_fixtures.h"
#include "tests/support/tensor_feed.h"

using namespace avflow::test;

namespace {
// Distinct inputs, so a generator shared between items (whose draws would
// land on different items under another schedule) could not pass.
std::vector<at::Tensor> distinct_clips(int n) {
  std::vector<at::Tensor> v;
  for (int i = 0; i < n; ++i) v.push_back(random_clip(2, 24, 32, 100 + i));
  return v;
}

std::vector<at::Tensor> run_with(const std::vector<OpStep>& chain, const std::vector<at::Tensor>& in, int threads,
                                 int max_in_flight) {
  tbb::global_control limit(tbb::global_control::max_allowed_parallelism, threads);
  return run_tensor_chain(chain, in, max_in_flight);
}

void check_same(const std::vector<at::Tensor>& a, const std::vector<at::Tensor>& b) {
  REQUIRE(a.size() == b.size());
  for (size_t i = 0; i < a.size(); ++i) CHECK(at::equal(a[i], b[i]));
}
}  // namespace

TEST_CASE("random video operators give the same output per item whatever the schedule", "[video][determinism]") {
  auto in = distinct_clips(40);
  const std::vector<OpStep> chain = {{"scale_jitter", "min_short_side = 20\nmax_short_side = 30\nseed = 3"},
                                     {"random_crop", "size = 16\nseed = 3"},
                                     {"flip", "seed = 3"},
                                     {"color_jitter", "sigma = 0.8\nseed = 3"}};
  auto serial = run_with(chain, in, 1, 1);
  check_same(serial, run_with(chain, in, 2, 16));
  check_same(serial, run_with(chain, in, 4, 64));
  const std::vector<OpStep> fused = {{"clip_augment", "crop = 16\nsigma = 0.8\nseed = 3"}};
  auto fused_serial = run_with(fused, in, 1, 1);
  check_same(fused_serial, run_with(fused, in, 4, 32));
}

TEST_CASE("a different seed gives different draws", "[video][determinism]") {
  auto in = distinct_clips(10);
  auto a = run_tensor_op("clip_augment", "crop = 16\nsigma = 0.8\nseed = 1", in);
  auto b = run_tensor_op("clip_augment", "crop = 16\nsigma = 0.8\nseed = 2", in);
  int differ = 0;
  for (size_t i = 0; i < in.size(); ++i) differ += !at::equal(a[i], b[i]);
  CHECK(differ >= 9);
}
