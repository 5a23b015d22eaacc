// spec_mask: the shape of the masked bands, their widths, the fill value, and
// that the input is never written.
#include <ATen/ATen.h>

#include <catch2/catch.hpp>
#include <set>
#include <vector>

#include "tests/support/tensor_feed.h"

using namespace avflow::test;

namespace {

struct Band {
  int64_t start = 0, width = 0;
};

// One axis's masked lines (rows or columns entirely at the fill value), which
// must be contiguous.
Band contiguous_band(const at::Tensor& full_lines) {
  const at::Tensor idx = full_lines.nonzero().flatten();
  Band b;
  b.width = idx.numel();
  if (b.width == 0) return b;
  b.start = idx[0].item<int64_t>();
  CHECK(idx[-1].item<int64_t>() - b.start + 1 == b.width);
  return b;
}

struct Masks {
  Band freq, time;
};

// The bands of one masked [F, T] spectrogram; every masked entry must lie in
// a fully masked row or column.
Masks find_masks(const at::Tensor& spec, float fill) {
  const at::Tensor masked = spec == fill;
  Masks m;
  const at::Tensor rows = masked.all(1), cols = masked.all(0);
  m.freq = contiguous_band(rows);
  m.time = contiguous_band(cols);
  CHECK(at::equal(masked, rows.unsqueeze(1).logical_or(cols.unsqueeze(0))));
  return m;
}

std::vector<at::Tensor> ones_items(int n) { return std::vector<at::Tensor>(n, at::ones({1, 96, 301})); }

}  // namespace

TEST_CASE("spec_mask either: one contiguous band on one axis, at most a quarter of it, both axes occur",
          "[spec_mask]") {
  const auto out = run_tensor_op("spec_mask", "seed = 3", ones_items(200));
  REQUIRE(out.size() == 200);
  std::set<int64_t> widths;
  int time_bands = 0, freq_bands = 0;
  for (size_t i = 0; i < out.size(); ++i) {
    INFO("item " << i);
    REQUIRE(out[i].sizes() == std::vector<int64_t>{1, 96, 301});
    const Masks m = find_masks(out[i][0], 0.0f);
    CHECK((m.freq.width == 0 || m.time.width == 0));
    CHECK(m.freq.width <= 24);  // floor(0.25 * 96)
    CHECK(m.time.width <= 75);  // floor(0.25 * 301)
    time_bands += m.time.width > 0;
    freq_bands += m.freq.width > 0;
    widths.insert(m.freq.width + m.time.width);
  }
  CHECK(time_bands > 50);
  CHECK(freq_bands > 50);
  CHECK(widths.size() > 15);
}

TEST_CASE("spec_mask both: one band on each axis, at most half of it", "[spec_mask]") {
  const auto out = run_tensor_op("spec_mask", "axis = \"both\"\nmax_fraction = 0.5\nseed = 4", ones_items(200));
  int both = 0;
  int64_t widest_freq = 0, widest_time = 0;
  for (size_t i = 0; i < out.size(); ++i) {
    INFO("item " << i);
    const Masks m = find_masks(out[i][0], 0.0f);
    CHECK(m.freq.width <= 48);
    CHECK(m.time.width <= 150);
    both += m.freq.width > 0 && m.time.width > 0;
    widest_freq = std::max(widest_freq, m.freq.width);
    widest_time = std::max(widest_time, m.time.width);
  }
  CHECK(both > 180);
  CHECK(widest_freq > 40);
  CHECK(widest_time > 120);
}

TEST_CASE("spec_mask time and frequency mask only their own axis", "[spec_mask]") {
  for (const char* axis : {"time", "frequency"}) {
    const auto out = run_tensor_op("spec_mask", std::string("axis = \"") + axis + "\"", ones_items(50));
    int banded = 0;
    for (const auto& t : out) {
      const Masks m = find_masks(t[0], 0.0f);
      CHECK((std::string(axis) == "time" ? m.freq.width : m.time.width) == 0);
      banded += (m.freq.width + m.time.width) > 0;
    }
    CHECK(banded > 40);
  }
}

TEST_CASE("spec_mask fill = mean uses the spectrogram's own mean, and the input is left unchanged", "[spec_mask]") {
  // Row f holds f, so a frequency band cannot be mistaken for a time band.
  const at::Tensor spec = at::arange(96, at::kFloat).view({1, 96, 1}).expand({1, 96, 301}).contiguous();
  const at::Tensor before = spec.clone();
  const auto out = run_tensor_op("spec_mask", "axis = \"time\"\nfill = \"mean\"\nmax_fraction = 0.5",
                                 std::vector<at::Tensor>(20, spec));
  const float mean = spec.mean().item<float>();  // 47.5
  int masked = 0;
  for (const auto& t : out) {
    const at::Tensor changed = (t != spec).any(1).squeeze(0);  // [T]: columns that were masked
    const Band band = contiguous_band(changed);
    masked += band.width > 0;
    if (band.width > 0) CHECK(at::equal(t.narrow(2, band.start, band.width), at::full({1, 96, band.width}, mean)));
  }
  CHECK(masked > 15);
  CHECK(at::equal(spec, before));
}

TEST_CASE("spec_mask masks each element of a B x C x F x T batch on its own", "[spec_mask]") {
  const auto out = run_tensor_op("spec_mask", "axis = \"both\"\nmax_fraction = 0.5", {at::ones({8, 1, 96, 301})});
  REQUIRE(out[0].sizes() == std::vector<int64_t>{8, 1, 96, 301});
  std::set<std::pair<int64_t, int64_t>> distinct;
  for (int64_t b = 0; b < 8; ++b) {
    const Masks m = find_masks(out[0][b][0], 0.0f);
    distinct.insert({m.freq.start * 1000 + m.freq.width, m.time.start * 1000 + m.time.width});
  }
  CHECK(distinct.size() > 4);
}

TEST_CASE("spec_mask with max_fraction = 0 is the identity", "[spec_mask]") {
  at::manual_seed(5);
  const std::vector<at::Tensor> inputs = {at::rand({1, 96, 301}), at::rand({2, 1, 96, 301}), at::rand({40, 50})};
  for (const char* axis : {"either", "both"}) {
    const auto out = run_tensor_op("spec_mask", std::string("max_fraction = 0.0\naxis = \"") + axis + "\"", inputs);
    REQUIRE(out.size() == inputs.size());
    for (size_t i = 0; i < inputs.size(); ++i) CHECK(at::equal(out[i], inputs[i]));
  }
}

TEST_CASE("spec_mask refuses tensors of fewer than 2 or more than 4 dimensions", "[spec_mask]") {
  CHECK(tensor_op_failure("spec_mask", "", {at::ones({301})}).find("got 301 Float cpu") != std::string::npos);
  CHECK(tensor_op_failure("spec_mask", "", {at::ones({1, 1, 1, 9, 9})}).find("[B, C, F, T]") != std::string::npos);
}
