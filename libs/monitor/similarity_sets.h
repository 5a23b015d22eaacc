// The KL monitor's three sets of audio-video similarities (DESIGN.md, "KL
// monitor"), from embeddings of held-out snippets with a group number each
// (their title, or their show: "the same movie or TV show"):
//
//   S+   z_v^i . z_a^i                 the same snippet
//   S-   z_v^i . z_a^j, i != j         another snippet of the same group
//   S!=  z_v^i . z_a^j                 a snippet of another group
//
// over ordered pairs (i, j), so both z_v^i . z_a^j and z_v^j . z_a^i count;
// S- and S!= in row order (i, then j).
#pragma once

#include <cstdint>
#include <vector>

// Declared, not included: the measures (kl_measures.h) read the sets alone
// and stay free of LibTorch's headers.
namespace at {
class Tensor;
}  // namespace at

namespace avflow::monitor {

struct SimilaritySets {
  std::vector<double> positive;     // S+
  std::vector<double> same_group;   // S-
  std::vector<double> other_group;  // S!=
};

// z_v, z_a: [N, d] on any device (computed in float64 on the CPU);
// groups: N group numbers. Throws std::invalid_argument on mismatched
// shapes.
SimilaritySets similarity_sets(const at::Tensor& z_v, const at::Tensor& z_a, const std::vector<int64_t>& groups);

}  // namespace avflow::monitor
