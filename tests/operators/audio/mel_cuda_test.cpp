// mel on a CUDA device (cuFFT through LibTorch) against the CPU path. Skips,
// with a warning, where this LibTorch or machine has no CUDA.
//
// Tolerance: log-mel max |cuda - cpu| <= 1e-3 wherever the CPU mel power is
// at least 1e-6 of its maximum (both are float32 FFTs; on white noise they
// differ by about 1e-6 relative).
#include <ATen/ATen.h>

#include <catch2/catch.hpp>
#include <vector>

#include "tests/support/tensor_feed.h"

using namespace avflow::test;

TEST_CASE("mel on CUDA agrees with the CPU path on random signals", "[mel][cuda]") {
  if (!at::hasCUDA()) {
    WARN("CUDA not available: CPU/CUDA mel agreement not checked");
    return;
  }
  at::manual_seed(21);
  const std::vector<at::Tensor> inputs = {at::rand({153600}) * 2 - 1, at::rand({48000}) * 2 - 1,
                                          at::rand({3, 48000}) * 2 - 1};
  const auto cpu = run_tensor_op("mel", "device = \"cpu\"", inputs);
  const auto power = run_tensor_op("mel", "device = \"cpu\"\nlog = \"none\"", inputs);
  const auto cuda = run_tensor_op("mel", "device = \"cuda\"", inputs);
  REQUIRE(cuda.size() == inputs.size());
  for (size_t i = 0; i < inputs.size(); ++i) {
    INFO("input " << i);
    CHECK(cuda[i].device().is_cuda());
    REQUIRE(cuda[i].sizes() == cpu[i].sizes());
    const at::Tensor considered = power[i] >= 1e-6 * power[i].max();
    const at::Tensor diff = (cuda[i].cpu() - cpu[i]).abs().masked_select(considered);
    CHECK(diff.max().item<float>() <= 1e-3f);
  }
}
