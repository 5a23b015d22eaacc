// mel output shapes, batches, and the inputs and settings it refuses.
#include <ATen/ATen.h>

#include <catch2/catch.hpp>
#include <string>
#include <vector>

#include "libs/device/device.h"
#include "tests/support/tensor_feed.h"

using namespace avflow::test;

namespace {
bool contains(const std::string& text, const std::string& part) { return text.find(part) != std::string::npos; }
}  // namespace

TEST_CASE("mel of a 3.2 s snippet at 48 kHz is 1 x 96 x 301 float32", "[mel][shape]") {
  at::manual_seed(11);
  const auto out = run_tensor_op("mel", "", {at::rand({153600}) * 2 - 1});
  REQUIRE(out.size() == 1);
  CHECK(out[0].sizes() == std::vector<int64_t>{1, 96, 301});
  CHECK(out[0].scalar_type() == at::kFloat);
  CHECK(out[0].device().is_cpu());
  CHECK(at::isfinite(out[0]).all().item<bool>());
}

TEST_CASE("mel of a batch 4 x 153600 is 4 x 1 x 96 x 301 and each row is the single snippet's result", "[mel][shape]") {
  at::manual_seed(12);
  const at::Tensor pcm = at::rand({4, 153600}) * 2 - 1;
  std::vector<at::Tensor> inputs = {pcm};
  for (int64_t b = 0; b < 4; ++b) inputs.push_back(pcm[b].clone());
  const auto out = run_tensor_op("mel", "", inputs);
  REQUIRE(out.size() == 5);
  REQUIRE(out[0].sizes() == std::vector<int64_t>{4, 1, 96, 301});
  // Bit-identical with Debian's LibTorch; batched FFTs and matrix products
  // may sum in another order elsewhere, so allow float32 rounding of the
  // log-mel (values of order 1 to 10).
  for (int64_t b = 0; b < 4; ++b) {
    INFO("row " << b);
    CHECK((out[0][b] - out[1 + b]).abs().max().item<float>() <= 1e-5f);
  }
}

TEST_CASE("mel refuses a 3-D input and an integer tensor, naming shape and dtype", "[mel][shape]") {
  const std::string three_d = tensor_op_failure("mel", "", {at::zeros({2, 3, 48000})});
  CHECK(contains(three_d, "2x3x48000"));
  CHECK(contains(three_d, "[samples] or [batch, samples]"));
  const std::string ints = tensor_op_failure("mel", "", {at::zeros({48000}, at::kInt)});
  CHECK(contains(ints, "float32"));
  CHECK(contains(ints, "48000 Int"));
}

TEST_CASE("mel refuses at open a filter that covers no FFT bin, naming it", "[mel][shape]") {
  const std::string msg = tensor_op_failure("mel", "n_mels = 512\nn_fft = 256\nwin_length = 256", {at::zeros({48000})});
  CHECK(contains(msg, "mel filter "));
  CHECK(contains(msg, "of 512"));
  CHECK(contains(msg, "covers no FFT bin"));
  CHECK(contains(msg, "fewer n_mels or a larger n_fft"));
}

TEST_CASE("mel refuses win_length > n_fft and f_max above Nyquist or below f_min", "[mel][shape]") {
  // Refused by the contract before the graph runs.
  CHECK_THROWS_WITH(tensor_op_failure("mel", "n_fft = 1024", {at::zeros({48000})}),
                    Catch::Contains("node 'op0': parameter 'win_length' (2048) must not exceed n_fft (1024)"));
  CHECK(contains(tensor_op_failure("mel", "f_max = 30000.0", {at::zeros({48000})}), "Nyquist"));
  CHECK(contains(tensor_op_failure("mel", "f_min = 9000.0\nf_max = 8000.0", {at::zeros({48000})}),
                 "must be below f_max"));
}

TEST_CASE("mel with device = \"cuda\" fails on a machine without CUDA, saying why", "[mel][shape]") {
  if (avflow::device::cuda_available()) {
    WARN("CUDA is available: the no-GPU refusal is not checked");
    return;
  }
  std::string expected;
  try {
    avflow::device::resolve_device("cuda");
  } catch (const std::invalid_argument& e) {
    expected = e.what();
  }
  REQUIRE_FALSE(expected.empty());
  CHECK(contains(tensor_op_failure("mel", "device = \"cuda\"", {at::zeros({48000})}), expected));
}
