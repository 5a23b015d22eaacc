// A pure tone's frame-averaged mel energy peaks in the filter whose centre
// frequency (from the scale formula) is nearest the tone.
#include <ATen/ATen.h>

#include <catch2/catch.hpp>
#include <cmath>
#include <string>
#include <vector>

#include "tests/operators/audio/mel_scale_reference.h"
#include "tests/support/tensor_feed.h"

using namespace avflow::test;

namespace {

// Index of the filter whose centre (edge m + 1) is nearest `hz`.
int64_t nearest_filter(double hz, const std::vector<double>& edges) {
  int64_t best = 0;
  for (size_t m = 0; m + 2 < edges.size(); ++m)
    if (std::abs(edges[m + 1] - hz) < std::abs(edges[best + 1] - hz)) best = static_cast<int64_t>(m);
  return best;
}

at::Tensor tone(double hz, int64_t samples, int sample_rate) {
  return (0.5 * at::sin(at::arange(samples, at::kDouble) * (2.0 * M_PI * hz / sample_rate))).to(at::kFloat);
}

}  // namespace

TEST_CASE("a pure tone peaks in the mel filter centred nearest to it, on both scales and norms", "[mel][tone]") {
  // Paper defaults, 0.5 s per tone.
  const std::vector<double> tones = {150.0, 440.0, 1000.0, 2500.0, 6000.0, 11000.0, 19000.0};
  std::vector<at::Tensor> inputs;
  for (double hz : tones) inputs.push_back(tone(hz, 24000, 48000));
  for (const std::string scale : {"slaney", "htk"})
    for (const std::string norm : {"slaney", "none"}) {
      const auto out =
          run_tensor_op("mel", "mel_scale = \"" + scale + "\"\nnorm = \"" + norm + "\"\nlog = \"none\"", inputs);
      REQUIRE(out.size() == tones.size());
      const std::vector<double> edges = ref_mel_edges(0.0, 24000.0, 96, scale);
      for (size_t i = 0; i < tones.size(); ++i) {
        INFO("scale " << scale << ", norm " << norm << ", tone " << tones[i] << " Hz");
        const at::Tensor energy = out[i][0].mean(-1);  // [96], averaged over frames
        CHECK(energy.argmax().item<int64_t>() == nearest_filter(tones[i], edges));
      }
    }
}
