// The KL monitor's three sets of audio-video similarities (DESIGN.md, "KL
// monitor"), from embeddings of held-out snippets with their titles:
//
//   S+   z_v^i . z_a^i                 the same snippet
//   S-   z_v^i . z_a^j, i != j         another snippet of the same title
//   S!=  z_v^i . z_a^j                 a snippet of another title
//
// over ordered pairs (i, j), so both z_v^i . z_a^j and z_v^j . z_a^i count;
// and the measures the monitor reports on them.
#pragma once

#include <ATen/ATen.h>

#include <cstdint>
#include <vector>

#include "libs/monitor/kl_divergence.h"

namespace avflow::monitor {

struct SimilaritySets {
  std::vector<double> positive;     // S+
  std::vector<double> same_title;   // S-
  std::vector<double> other_title;  // S!=
};

// z_v, z_a: [N, d] on any device (computed in float64 on the CPU);
// titles: N title numbers. Throws std::invalid_argument on mismatched shapes.
SimilaritySets similarity_sets(const at::Tensor& z_v, const at::Tensor& z_a, const std::vector<int64_t>& titles);

struct SetSummary {
  int64_t count = 0;
  double mean = 0, stddev = 0;
};

struct KlMeasures {
  double minus_plus = 0;   // KL(S- || S+)
  double other_plus = 0;   // KL(S!= || S+)
  double minus_other = 0;  // KL(S- || S!=)
  double gap = 0;          // KL(S!= || S+) - KL(S- || S+)
  SetSummary plus, minus, other;
};

// All three KLs over shared bins spanning the pooled range of the three
// sets. Throws std::invalid_argument when a set is empty (the held-out
// sample needs two titles with two snippets each at least).
KlMeasures kl_measures(const SimilaritySets& sets, const HistogramOptions& options = {});

}  // namespace avflow::monitor
