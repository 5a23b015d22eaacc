#include <ATen/ATen.h>

#include <catch2/catch.hpp>
#include <set>

#include "tests/support/clip_fixtures.h"
#include "tests/support/tensor_feed.h"

using namespace avflow::test;

namespace {
// The (y0, x0) a crop of a coordinate clip came from, after checking that every
// frame shows the same contiguous region.
std::pair<int64_t, int64_t> crop_origin(const at::Tensor& crop, int64_t T, int64_t size) {
  REQUIRE(crop.sizes() == std::vector<int64_t>{T, size, size, 3});
  const int64_t y0 = crop[0][0][0][0].item<int64_t>(), x0 = crop[0][0][0][1].item<int64_t>();
  auto expected = coordinate_clip(T, 256, 256).slice(1, y0, y0 + size).slice(2, x0, x0 + size);
  REQUIRE(at::equal(crop, expected));
  return {y0, x0};
}
}  // namespace

TEST_CASE("random_crop takes one region for all frames, anywhere it fits, nowhere else", "[video][crop]") {
  const int64_t T = 3, H = 40, W = 56, size = 24;
  std::vector<at::Tensor> in(300, coordinate_clip(T, H, W));
  auto out = run_tensor_op("random_crop", "size = 24\nseed = 7", in);
  REQUIRE(out.size() == in.size());
  std::set<int64_t> ys, xs;
  for (const auto& c : out) {
    auto [y0, x0] = crop_origin(c, T, size);
    CHECK(y0 >= 0);
    CHECK(y0 <= H - size);
    CHECK(x0 <= W - size);
    ys.insert(y0);
    xs.insert(x0);
  }
  // 300 draws over 17 x 33 positions: every row and the extremes show up.
  CHECK(ys.size() == static_cast<size_t>(H - size + 1));
  CHECK(xs.count(0) == 1);
  CHECK(xs.count(W - size) == 1);
}

TEST_CASE("random_crop draws per clip within a batch", "[video][crop]") {
  auto batch = at::stack(std::vector<at::Tensor>(8, coordinate_clip(2, 64, 64)));
  auto out = run_tensor_op("random_crop", "size = 16", {batch});
  REQUIRE(out[0].sizes() == std::vector<int64_t>{8, 2, 16, 16, 3});
  std::set<std::pair<int64_t, int64_t>> origins;
  for (int64_t b = 0; b < 8; ++b) origins.insert(crop_origin(out[0][b], 2, 16));
  CHECK(origins.size() > 1);
}

TEST_CASE("fixed_crop puts left, center and right along the longer side", "[video][crop]") {
  const int64_t size = 20;
  auto landscape = coordinate_clip(2, 30, 50);
  auto portrait = coordinate_clip(2, 50, 30);
  struct Case {
    const char* position;
    std::pair<int64_t, int64_t> landscape_origin, portrait_origin;
  };
  for (const Case& c : {Case{"left", {5, 0}, {0, 5}}, Case{"center", {5, 15}, {15, 5}}, Case{"right", {5, 30}, {30, 5}}}) {
    const std::string params = "size = 20\nposition = \"" + std::string(c.position) + "\"";
    auto out = run_tensor_op("fixed_crop", params, {landscape, portrait});
    CHECK(crop_origin(out[0], 2, size) == c.landscape_origin);
    CHECK(crop_origin(out[1], 2, size) == c.portrait_origin);
  }
}

TEST_CASE("a crop larger than the frame is refused with both sizes", "[video][crop]") {
  auto msg = tensor_op_failure("random_crop", "size = 158", {coordinate_clip(2, 120, 160)});
  CHECK_THAT(msg, Catch::Contains("158x158 crop does not fit in frames of 120x160"));
  CHECK_THAT(msg, Catch::Contains("node 'op0'"));
}

TEST_CASE("video operators refuse tensors that are not clips, naming the shape", "[video]") {
  auto msg = tensor_op_failure("random_crop", "size = 4", {at::zeros({16, 32, 32}, at::kByte)});
  CHECK_THAT(msg, Catch::Contains("expected a clip [T, H, W, C] or a batch of clips [B, T, H, W, C]"));
  CHECK_THAT(msg, Catch::Contains("16x32x32"));
  msg = tensor_op_failure("normalize", "", {at::zeros({2, 8, 8, 4}, at::kByte)});
  CHECK_THAT(msg, Catch::Contains("[T, H, W, 3]"));
}
