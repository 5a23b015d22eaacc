#include "libs/eval/retrieval.h"

#include <algorithm>
#include <stdexcept>
#include <string>

namespace avflow::eval {
namespace {

void check(const LabelledEmbeddings& e, const char* what) {
  if (e.values.dim() != 2)
    throw std::invalid_argument(std::string(what) + " embeddings must be [N, d], not " +
                                std::to_string(e.values.dim()) + "-dimensional");
  if (e.values.size(0) != static_cast<int64_t>(e.labels.size()))
    throw std::invalid_argument(std::string(what) + " has " + std::to_string(e.values.size(0)) + " embeddings but " +
                                std::to_string(e.labels.size()) + " labels");
}

at::Tensor unit_rows(const at::Tensor& x) {
  const at::Tensor v = x.to(at::kFloat);
  return v / v.norm(2, 1, true).clamp_min(1e-12);
}

}  // namespace

at::Tensor nearest_neighbours(const LabelledEmbeddings& queries, const LabelledEmbeddings& gallery, int64_t k) {
  check(queries, "the query set");
  check(gallery, "the gallery");
  if (gallery.labels.empty()) throw std::invalid_argument("the gallery is empty");
  if (k < 1) throw std::invalid_argument("k must be at least 1, not " + std::to_string(k));
  if (queries.values.size(1) != gallery.values.size(1))
    throw std::invalid_argument("queries have " + std::to_string(queries.values.size(1)) + " values, the gallery " +
                                std::to_string(gallery.values.size(1)));
  const at::Tensor similarity = at::matmul(unit_rows(queries.values), unit_rows(gallery.values).t());
  const int64_t kept = std::min<int64_t>(k, gallery.values.size(0));
  // Sorted, largest first; ties keep no particular order.
  return std::get<1>(similarity.topk(kept, 1, true, true)).to(at::kCPU, at::kLong).contiguous();
}

std::vector<double> recall_at_k(const LabelledEmbeddings& queries, const LabelledEmbeddings& gallery,
                                const std::vector<int64_t>& ks) {
  if (ks.empty()) throw std::invalid_argument("no k given for recall at k");
  const int64_t widest = *std::max_element(ks.begin(), ks.end());
  return recall_from_neighbours(nearest_neighbours(queries, gallery, widest), queries.labels, gallery.labels, ks);
}

std::vector<double> recall_from_neighbours(const at::Tensor& neighbours, const std::vector<int64_t>& query_labels,
                                           const std::vector<int64_t>& gallery_labels,
                                           const std::vector<int64_t>& ks) {
  const at::Tensor nn = neighbours.to(at::kCPU, at::kLong).contiguous();
  const int64_t n = nn.size(0), kept = nn.size(1);
  const int64_t* index = nn.data_ptr<int64_t>();
  // first_hit[q]: the rank (0-based) of q's nearest neighbour of its class, kept if none.
  std::vector<int64_t> first_hit(static_cast<size_t>(n), kept);
  for (int64_t q = 0; q < n; ++q)
    for (int64_t r = 0; r < kept; ++r)
      if (gallery_labels[static_cast<size_t>(index[q * kept + r])] == query_labels[static_cast<size_t>(q)]) {
        first_hit[static_cast<size_t>(q)] = r;
        break;
      }
  std::vector<double> recalls;
  for (int64_t k : ks) {
    if (k < 1) throw std::invalid_argument("k must be at least 1, not " + std::to_string(k));
    int64_t hits = 0;
    for (int64_t r : first_hit) hits += r < k ? 1 : 0;
    recalls.push_back(n == 0 ? 0.0 : static_cast<double>(hits) / static_cast<double>(n));
  }
  return recalls;
}

}  // namespace avflow::eval
