#include <ATen/ATen.h>

#include <catch2/catch.hpp>
#include <cmath>

#include "engine/payloads/scalars.h"
#include "tests/operators/run_graph.h"
#include "tests/support/capture_sink.h"

using namespace avflow;
using namespace avflow::test;

TEST_CASE("tensor_stats matches closed-form statistics of a pure sine", "[tensor_stats]") {
  // 1 s of a 1 kHz sine at 8 kHz, amplitude 0.5: mean 0, rms 0.5/sqrt(2).
  auto r = run_graph_text(node_toml("tone", "tone", "count = 1\nduration = 1.0\nsample_rate = 8000\nfrequency = 1000.0\n"
                                                    "amplitude = 0.5\nnoise = 0.0") +
                          node_toml("stats", "tensor_stats") + node_toml("cap", "test_capture") +
                          edge_toml("tone", "stats") + edge_toml("stats", "cap"));
  REQUIRE(r.status == RunStatus::kFinished);
  auto out = Captured::instance().take("cap");
  REQUIRE(out.size() == 1);
  std::map<std::string, double> v;
  for (const auto& [k, x] : out[0].get<Scalars>().values) v[k] = x;
  CHECK(v["mean"] == Approx(0.0).margin(1e-6));
  CHECK(v["rms"] == Approx(0.5 / std::sqrt(2.0)).epsilon(1e-5));
  CHECK(v["max"] == Approx(0.5).epsilon(1e-5));
  CHECK(v["min"] == Approx(-0.5).epsilon(1e-5));
  CHECK(v["numel"] == 8000);
}
