#include "libs/monitor/similarity_sets.h"

#include <ATen/ATen.h>

#include <stdexcept>
#include <string>

namespace avflow::monitor {

SimilaritySets similarity_sets(const at::Tensor& z_v, const at::Tensor& z_a, const std::vector<int64_t>& groups) {
  if (z_v.dim() != 2 || z_a.dim() != 2 || z_v.sizes() != z_a.sizes())
    throw std::invalid_argument("similarity sets: z_v and z_a must both be [N, d], got " + c10::str(z_v.sizes()) +
                                " and " + c10::str(z_a.sizes()));
  const int64_t n = z_v.size(0);
  if (static_cast<int64_t>(groups.size()) != n)
    throw std::invalid_argument("similarity sets: " + std::to_string(groups.size()) + " groups for " +
                                std::to_string(n) + " embeddings");
  const at::Tensor s = at::matmul(z_v.to(at::kCPU, at::kDouble), z_a.to(at::kCPU, at::kDouble).t()).contiguous();
  const double* row = s.data_ptr<double>();
  SimilaritySets sets;
  sets.positive.reserve(static_cast<size_t>(n));
  for (int64_t i = 0; i < n; ++i, row += n)
    for (int64_t j = 0; j < n; ++j) {
      if (i == j) sets.positive.push_back(row[j]);
      else if (groups[static_cast<size_t>(i)] == groups[static_cast<size_t>(j)]) sets.same_group.push_back(row[j]);
      else sets.other_group.push_back(row[j]);
    }
  return sets;
}

}  // namespace avflow::monitor
