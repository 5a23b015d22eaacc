#include <ATen/ATen.h>

#include <catch2/catch.hpp>

#include "engine/payloads/tensor.h"
#include "tests/operators/run_graph.h"
#include "tests/support/capture_sink.h"

using namespace avflow;
using namespace avflow::test;

namespace {
std::vector<at::Tensor> tones(const std::string& params) {
  auto r = run_graph_text(node_toml("tone", "tone", params) + node_toml("cap", "test_capture") + edge_toml("tone", "cap"));
  REQUIRE(r.status == RunStatus::kFinished);
  std::vector<at::Tensor> out;
  for (auto& p : Captured::instance().take("cap")) out.push_back(p.get<Tensor>().get());
  return out;
}
}  // namespace

TEST_CASE("tone emits count snippets of duration x sample_rate float samples", "[tone]") {
  auto t = tones("count = 3\nsample_rate = 48000\nduration = 3.2\n");
  REQUIRE(t.size() == 3);
  for (const auto& x : t) {
    CHECK(x.sizes() == at::IntArrayRef{153600});
    CHECK(x.scalar_type() == at::kFloat);
    CHECK(x.abs().max().item<float>() <= 1.0f);
  }
}

TEST_CASE("tone is a sine at the requested frequency, continuous across snippets", "[tone]") {
  auto t = tones("count = 2\nsample_rate = 8000\nduration = 0.5\nfrequency = 1000.0\nnoise = 0.0\namplitude = 0.5\n");
  auto all = at::cat({t[0], t[1]}).to(at::kDouble);
  auto n = at::arange(8000, at::kDouble);
  auto expected = 0.5 * at::sin(2 * M_PI * 1000.0 * n / 8000.0);
  CHECK(at::allclose(all, expected, 0, 1e-6));
}

TEST_CASE("tone noise depends on seed and item, not on the run", "[tone]") {
  auto a = tones("count = 2\nseed = 7\nduration = 0.1\n");
  auto b = tones("count = 2\nseed = 7\nduration = 0.1\n");
  auto c = tones("count = 2\nseed = 8\nduration = 0.1\n");
  CHECK(at::equal(a[0], b[0]));
  CHECK(at::equal(a[1], b[1]));
  CHECK_FALSE(at::equal(a[0], c[0]));
  CHECK_FALSE(at::equal(a[0], a[1]));
}

TEST_CASE("tone announces its total for progress display", "[tone]") {
  auto r = run_graph_text(node_toml("tone", "tone", "count = 4\nduration = 0.01") + node_toml("cap", "test_capture") +
                          edge_toml("tone", "cap"));
  Captured::instance().take("cap");
  CHECK(r.metrics.find("tone")->expected == 4);
  CHECK(r.metrics.find("tone")->items_out == 4);
}
