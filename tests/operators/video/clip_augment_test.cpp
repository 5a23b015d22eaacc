#include <ATen/ATen.h>

#include <catch2/catch.hpp>

#include "tests/support/clip_fixtures.h"
#include "tests/support/tensor_feed.h"

using namespace avflow::test;

namespace {
std::vector<at::Tensor> clips(int n, int64_t T, int64_t H, int64_t W) {
  std::vector<at::Tensor> v;
  for (int i = 0; i < n; ++i) v.push_back(gradient_clip(T, H, W, 0.37 * i));
  return v;
}
std::vector<at::Tensor> as_float(const std::vector<at::Tensor>& v) {
  std::vector<at::Tensor> out;
  for (const auto& c : v) out.push_back(c.to(at::kFloat) / 255.0);
  return out;
}
double max_abs_diff(const at::Tensor& a, const at::Tensor& b) {
  REQUIRE(a.sizes() == b.sizes());
  return (a.to(at::kDouble) - b.to(at::kDouble)).abs().max().item<double>();
}
}  // namespace

TEST_CASE("clip_augment equals random_crop, flip, color_jitter and normalize with the same seed", "[video][augment]") {
  auto in = clips(24, 4, 36, 48);
  for (const char* sigma : {"0.0", "0.5", "1.0"}) {
    const std::string s = sigma;
    auto fused = run_tensor_op("clip_augment", "crop = 24\nflip_probability = 0.5\nseed = 9\nsigma = " + s, in);
    auto composed = run_tensor_chain({{"random_crop", "size = 24\nseed = 9"},
                                      {"flip", "probability = 0.5\nseed = 9"},
                                      {"color_jitter", "seed = 9\nsigma = " + s},
                                      {"normalize", ""}},
                                     as_float(in));
    REQUIRE(fused.size() == in.size());
    for (size_t i = 0; i < in.size(); ++i) {
      REQUIRE(fused[i].sizes() == std::vector<int64_t>{3, 4, 24, 24});
      // float32 paths that differ in operation order: a few ulp of values
      // about 1 / std ~ 4.6 in size.
      CHECK(max_abs_diff(fused[i], composed[i]) < 2e-5);
    }
  }
}

TEST_CASE("clip_augment on a batch draws per clip and matches the single clips", "[video][augment]") {
  // Item 0 of a batch run and item 0 of a single-clip run share the stream of
  // clip index 0; the other clips of the batch get streams of their own.
  auto in = clips(4, 3, 30, 40);
  auto batch = at::stack(in);
  auto out = run_tensor_op("clip_augment", "crop = 20\nsigma = 0.5\nseed = 4", {batch});
  REQUIRE(out[0].sizes() == std::vector<int64_t>{4, 3, 3, 20, 20});
  auto first = run_tensor_op("clip_augment", "crop = 20\nsigma = 0.5\nseed = 4", {in[0]});
  CHECK(max_abs_diff(out[0][0], first[0]) == 0.0);
  // The same clip four times comes out differently (own crops and factors).
  auto same = run_tensor_op("clip_augment", "crop = 20\nsigma = 0.5\nseed = 4", {at::stack({in[1], in[1], in[1], in[1]})});
  int distinct = 0;
  for (int b = 1; b < 4; ++b) distinct += !at::equal(same[0][b], same[0][0]);
  CHECK(distinct >= 2);
}

TEST_CASE("clip_augment fixed crops equal fixed_crop then normalize", "[video][augment]") {
  auto in = clips(2, 2, 30, 50);
  for (const char* pos : {"left", "center", "right"}) {
    const std::string p = pos;
    auto fused = run_tensor_op("clip_augment", "crop = 20\nflip_probability = 0.0\ncrop_position = \"" + p + "\"", in);
    auto composed = run_tensor_chain({{"fixed_crop", "size = 20\nposition = \"" + p + "\""}, {"normalize", ""}}, in);
    for (size_t i = 0; i < in.size(); ++i) CHECK(max_abs_diff(fused[i], composed[i]) < 2e-6);
  }
}

TEST_CASE("clip_augment refuses float frames and, without a GPU, device cuda", "[video][augment]") {
  auto clip = gradient_clip(2, 30, 30, 0);
  CHECK_THAT(tensor_op_failure("clip_augment", "crop = 8", {clip.to(at::kFloat)}), Catch::Contains("takes uint8 frames"));
  if (!at::hasCUDA())
    CHECK_THAT(tensor_op_failure("clip_augment", "crop = 8\ndevice = \"cuda\"", {clip}),
               Catch::Contains("no CUDA device is usable"));
}
