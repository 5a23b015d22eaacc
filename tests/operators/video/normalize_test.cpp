#include <ATen/ATen.h>

#include <catch2/catch.hpp>

#include "tests/support/clip_fixtures.h"
#include "tests/support/tensor_feed.h"

using namespace avflow::test;

TEST_CASE("normalize turns uint8 THWC into normalised float CTHW", "[video][normalize]") {
  auto clip = random_clip(3, 5, 7, 1);
  auto out = run_tensor_op("normalize", "mean = [0.1, 0.2, 0.3]\nstd = [0.5, 0.25, 2.0]", {clip})[0];
  REQUIRE(out.sizes() == std::vector<int64_t>{3, 3, 5, 7});
  REQUIRE(out.scalar_type() == at::kFloat);
  const double mean[3] = {0.1, 0.2, 0.3}, std[3] = {0.5, 0.25, 2.0};
  auto in = clip.accessor<uint8_t, 4>();
  auto o = out.accessor<float, 4>();
  for (int c = 0; c < 3; ++c)
    for (int t = 0; t < 3; ++t)
      for (int y = 0; y < 5; ++y)
        for (int x = 0; x < 7; ++x) CHECK(o[c][t][y][x] == Approx((in[t][y][x][c] / 255.0 - mean[c]) / std[c]).margin(1e-5));
}

TEST_CASE("normalize takes float clips in 0..1 and batches", "[video][normalize]") {
  auto clip = random_clip(2, 4, 4, 2);
  auto batch = at::stack({clip, clip});
  auto from_bytes = run_tensor_op("normalize", "", {batch})[0];
  auto from_float = run_tensor_op("normalize", "", {batch.to(at::kFloat) / 255.0})[0];
  REQUIRE(from_bytes.sizes() == std::vector<int64_t>{2, 3, 2, 4, 4});
  CHECK(at::allclose(from_bytes, from_float, 1e-5, 1e-5));
}

TEST_CASE("normalize refuses a mean or std without three values", "[video][normalize]") {
  CHECK_THAT(tensor_op_failure("normalize", "mean = [0.5]", {random_clip(1, 2, 2, 0)}),
             Catch::Contains("mean needs 3 values (R, G, B), got 1"));
}
