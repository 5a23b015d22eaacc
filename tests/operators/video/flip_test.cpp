#include <ATen/ATen.h>

#include <catch2/catch.hpp>

#include "tests/support/clip_fixtures.h"
#include "tests/support/tensor_feed.h"

using namespace avflow::test;

TEST_CASE("flip with probability 1 mirrors every frame left to right", "[video][flip]") {
  auto clip = coordinate_clip(3, 8, 10);
  auto out = run_tensor_op("flip", "probability = 1.0", {clip});
  REQUIRE(out[0].sizes() == clip.sizes());
  for (int64_t x = 0; x < 10; ++x) CHECK(at::equal(out[0].select(2, x), clip.select(2, 9 - x)));
}

TEST_CASE("flip with probability 0 is the identity", "[video][flip]") {
  auto clip = coordinate_clip(2, 8, 10);
  CHECK(at::equal(run_tensor_op("flip", "probability = 0.0", {clip})[0], clip));
}

TEST_CASE("flip mirrors about the given share of clips, each clip whole", "[video][flip]") {
  auto clip = coordinate_clip(2, 4, 6);
  std::vector<at::Tensor> in(400, clip);
  auto out = run_tensor_op("flip", "probability = 0.5\nseed = 3", in);
  int flipped = 0;
  for (const auto& o : out) {
    const bool f = at::equal(o, clip.flip({2}));
    CHECK((f || at::equal(o, clip)));
    flipped += f;
  }
  // Binomial(400, 0.5): 5 standard deviations is +-50.
  CHECK(flipped > 150);
  CHECK(flipped < 250);
}
