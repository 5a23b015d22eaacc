#include <ATen/ATen.h>

#include <algorithm>
#include <catch2/catch.hpp>
#include <set>

#include "libs/video/clip_draws.h"
#include "tests/support/clip_fixtures.h"
#include "tests/support/tensor_feed.h"

using namespace avflow::video;
using namespace avflow::test;

namespace {
// Independent double-precision reference of one jitter on a float clip.
at::Tensor reference_jitter(const at::Tensor& clip, const JitterDraw& d) {
  auto x = clip.to(at::kDouble);
  const int64_t T = x.size(0), H = x.size(1), W = x.size(2);
  auto a = x.accessor<double, 4>();
  for (int op : d.order) {
    const double f = d.factor[op];
    for (int64_t t = 0; t < T; ++t) {
      double mean = 0;
      for (int64_t y = 0; y < H; ++y)
        for (int64_t xx = 0; xx < W; ++xx) mean += 0.2989 * a[t][y][xx][0] + 0.587 * a[t][y][xx][1] + 0.114 * a[t][y][xx][2];
      mean /= static_cast<double>(H * W);
      for (int64_t y = 0; y < H; ++y)
        for (int64_t xx = 0; xx < W; ++xx) {
          const double g = 0.2989 * a[t][y][xx][0] + 0.587 * a[t][y][xx][1] + 0.114 * a[t][y][xx][2];
          const double ref = op == kBrightness ? 0.0 : op == kContrast ? mean : g;
          for (int c = 0; c < 3; ++c) a[t][y][xx][c] = std::clamp(f * a[t][y][xx][c] + (1 - f) * ref, 0.0, 1.0);
        }
    }
  }
  return x;
}
}  // namespace

TEST_CASE("jitter factors stay within max(0, 1 - sigma) .. 1 + sigma and every order occurs", "[video][jitter]") {
  for (double sigma : {0.25, 0.5, 1.0, 1.5}) {
    const double lo = std::max(0.0, 1.0 - sigma), hi = 1.0 + sigma;
    double seen_lo = hi, seen_hi = lo;
    std::set<std::vector<int>> orders;
    for (uint64_t item = 0; item < 2000; ++item) {
      JitterDraw d = draw_jitter(11, item, 0, sigma);
      for (float f : d.factor) {
        CHECK(f >= lo);
        CHECK(f <= hi);
        seen_lo = std::min<double>(seen_lo, f);
        seen_hi = std::max<double>(seen_hi, f);
      }
      std::vector<int> order(d.order, d.order + 3);
      CHECK(std::is_permutation(order.begin(), order.end(), std::vector<int>{0, 1, 2}.begin()));
      orders.insert(order);
    }
    CHECK(orders.size() == 6);
    // The draws fill the range, not a corner of it.
    CHECK(seen_lo < lo + 0.01 * (hi - lo));
    CHECK(seen_hi > hi - 0.01 * (hi - lo));
  }
}

TEST_CASE("color_jitter with sigma 0 returns the clip unchanged", "[video][jitter]") {
  auto clip = gradient_clip(3, 12, 16, 0.3);
  CHECK(at::equal(run_tensor_op("color_jitter", "sigma = 0.0", {clip})[0], clip));
  auto f = clip.to(at::kFloat) / 255.0;
  CHECK(at::equal(run_tensor_op("color_jitter", "sigma = 0.0", {f})[0], f));
}

TEST_CASE("color_jitter matches a double-precision reference of its documented formulas", "[video][jitter]") {
  std::vector<at::Tensor> in;
  for (int i = 0; i < 12; ++i) in.push_back(gradient_clip(3, 10, 14, 0.5 * i).to(at::kFloat) / 255.0);
  auto out = run_tensor_op("color_jitter", "sigma = 1.0\nseed = 5", in);
  for (size_t i = 0; i < in.size(); ++i) {
    auto expected = reference_jitter(in[i], draw_jitter(5, i, 0, 1.0));
    CHECK((out[i].to(at::kDouble) - expected).abs().max().item<double>() < 1e-5);
  }
}

TEST_CASE("color_jitter on uint8 clips rounds the float result back to uint8", "[video][jitter]") {
  auto clip = gradient_clip(2, 10, 14, 1.0);
  auto out = run_tensor_op("color_jitter", "sigma = 0.5\nseed = 2", {clip});
  REQUIRE(out[0].scalar_type() == at::kByte);
  auto expected = (reference_jitter(clip.to(at::kFloat) / 255.0, draw_jitter(2, 0, 0, 0.5)) * 255.0).round();
  CHECK((out[0].to(at::kDouble) - expected).abs().max().item<double>() <= 1.0);
}
