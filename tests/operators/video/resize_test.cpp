#include <ATen/ATen.h>

#include <catch2/catch.hpp>
#include <set>

#include "tests/support/clip_fixtures.h"
#include "tests/support/tensor_feed.h"

using namespace avflow::test;

TEST_CASE("resize makes the shorter side short_side and keeps the aspect ratio", "[video][resize]") {
  auto out = run_tensor_op("resize", "short_side = 190", {gradient_clip(2, 360, 640, 0), gradient_clip(2, 640, 360, 0)});
  CHECK(out[0].sizes() == std::vector<int64_t>{2, 190, 338, 3});  // 640 * 190 / 360 = 337.8
  CHECK(out[1].sizes() == std::vector<int64_t>{2, 338, 190, 3});
  CHECK(out[0].scalar_type() == at::kByte);
}

TEST_CASE("resize keeps a flat frame flat and float clips float", "[video][resize]") {
  auto flat = at::full({2, 90, 120, 3}, 0.25f);
  auto out = run_tensor_op("resize", "short_side = 40", {flat});
  REQUIRE(out[0].sizes() == std::vector<int64_t>{2, 40, 53, 3});
  CHECK((out[0] - 0.25f).abs().max().item<float>() < 1e-6);
}

TEST_CASE("resize antialiases when shrinking: a fine checkerboard turns grey", "[video][resize]") {
  // One-pixel checkerboard, shrunk 4x: without a low-pass filter bilinear
  // sampling lands on pixels of one colour and keeps full contrast.
  auto yy = at::arange(64).view({64, 1}), xx = at::arange(64).view({1, 64});
  auto board = ((yy + xx).remainder(2) * 255).to(at::kByte).view({1, 64, 64, 1}).expand({1, 64, 64, 3}).contiguous();
  auto out = run_tensor_op("resize", "short_side = 16", {board})[0].to(at::kFloat);
  CHECK((out - 127.5f).abs().max().item<float>() < 16.0f);
}

TEST_CASE("resize enlarges too, and works on batches", "[video][resize]") {
  auto batch = at::stack({gradient_clip(2, 20, 30, 0), gradient_clip(2, 20, 30, 1)});
  auto out = run_tensor_op("resize", "short_side = 40", {batch});
  CHECK(out[0].sizes() == std::vector<int64_t>{2, 2, 40, 60, 3});
}

TEST_CASE("scale_jitter draws the short side from its range, per item", "[video][resize]") {
  std::vector<at::Tensor> in(60, gradient_clip(1, 240, 320, 0));
  auto out = run_tensor_op("scale_jitter", "min_short_side = 181\nmax_short_side = 226\nseed = 1", in);
  std::set<int64_t> sides;
  for (const auto& o : out) {
    const int64_t side = o.size(1);
    CHECK(side >= 181);
    CHECK(side <= 226);
    CHECK(o.size(2) == std::llround(320.0 * static_cast<double>(side) / 240.0));
    sides.insert(side);
  }
  CHECK(sides.size() > 20);
}

TEST_CASE("scale_jitter refuses batches and an empty range", "[video][resize]") {
  auto batch = at::stack({gradient_clip(1, 20, 30, 0), gradient_clip(1, 20, 30, 1)});
  CHECK_THAT(tensor_op_failure("scale_jitter", "", {batch}), Catch::Contains("jitter before batching"));
  // Refused by the contract before the graph runs.
  CHECK_THROWS_WITH(tensor_op_failure("scale_jitter", "min_short_side = 200\nmax_short_side = 100", {gradient_clip(1, 20, 30, 0)}),
                    Catch::Contains("parameter 'min_short_side' (200) must not exceed max_short_side (100)"));
}
