#include "libs/monitor/similarity_sets.h"

#include <cmath>
#include <stdexcept>
#include <string>

namespace avflow::monitor {
namespace {

SetSummary summarise(const std::vector<double>& values) {
  SetSummary s;
  s.count = static_cast<int64_t>(values.size());
  if (values.empty()) return s;
  double sum = 0, sum_sq = 0;
  for (double v : values) sum += v;
  s.mean = sum / static_cast<double>(values.size());
  for (double v : values) sum_sq += (v - s.mean) * (v - s.mean);
  s.stddev = std::sqrt(sum_sq / static_cast<double>(values.size()));
  return s;
}

}  // namespace

SimilaritySets similarity_sets(const at::Tensor& z_v, const at::Tensor& z_a, const std::vector<int64_t>& titles) {
  if (z_v.dim() != 2 || z_a.dim() != 2 || z_v.sizes() != z_a.sizes())
    throw std::invalid_argument("similarity sets: z_v and z_a must both be [N, d], got " + c10::str(z_v.sizes()) +
                                " and " + c10::str(z_a.sizes()));
  const int64_t n = z_v.size(0);
  if (static_cast<int64_t>(titles.size()) != n)
    throw std::invalid_argument("similarity sets: " + std::to_string(titles.size()) + " titles for " +
                                std::to_string(n) + " embeddings");
  const at::Tensor s = at::matmul(z_v.to(at::kCPU, at::kDouble), z_a.to(at::kCPU, at::kDouble).t()).contiguous();
  const double* row = s.data_ptr<double>();
  SimilaritySets sets;
  sets.positive.reserve(static_cast<size_t>(n));
  for (int64_t i = 0; i < n; ++i, row += n)
    for (int64_t j = 0; j < n; ++j) {
      if (i == j) sets.positive.push_back(row[j]);
      else if (titles[static_cast<size_t>(i)] == titles[static_cast<size_t>(j)]) sets.same_title.push_back(row[j]);
      else sets.other_title.push_back(row[j]);
    }
  return sets;
}

KlMeasures kl_measures(const SimilaritySets& sets, const HistogramOptions& options) {
  if (sets.same_title.empty())
    throw std::invalid_argument("kl measures: S- is empty (no title has two snippets in the sample)");
  if (sets.other_title.empty()) throw std::invalid_argument("kl measures: S!= is empty (the sample has one title)");
  const auto [lo, hi] = pooled_range({&sets.positive, &sets.same_title, &sets.other_title});
  // Each set is binned once; S!= alone holds N^2 - O(N) similarities.
  const std::vector<double> plus = smoothed_histogram(sets.positive, lo, hi, options);
  const std::vector<double> minus = smoothed_histogram(sets.same_title, lo, hi, options);
  const std::vector<double> other = smoothed_histogram(sets.other_title, lo, hi, options);
  KlMeasures m;
  m.minus_plus = histogram_kl(minus, plus);
  m.other_plus = histogram_kl(other, plus);
  m.minus_other = histogram_kl(minus, other);
  m.gap = m.other_plus - m.minus_plus;
  m.plus = summarise(sets.positive);
  m.minus = summarise(sets.same_title);
  m.other = summarise(sets.other_title);
  return m;
}

}  // namespace avflow::monitor
