// Nearest-neighbour retrieval, the protocol temporal self-supervision papers
// report on UCF101 and HMDB51: every test file's embedding is a query, the
// training files' embeddings are the gallery, neighbours are ranked by cosine
// similarity, and recall at k is the fraction of queries with at least one
// of their k nearest neighbours in their own class.
#pragma once

#include <ATen/ATen.h>

#include <cstdint>
#include <vector>

namespace avflow::eval {

struct LabelledEmbeddings {
  at::Tensor values;            // float [N, d], one row per file
  std::vector<int64_t> labels;  // [N], each row's class
};

// Indices into the gallery of each query's `k` nearest neighbours by cosine
// similarity, nearest first ([queries, min(k, gallery)], int64). Rows are
// L2-normalised here; an all-zero row is similar to nothing (similarity 0).
// Throws std::invalid_argument for an empty gallery, k < 1, or rows of
// different widths or label counts.
at::Tensor nearest_neighbours(const LabelledEmbeddings& queries, const LabelledEmbeddings& gallery, int64_t k);

// Recall at each of `ks`, fractions in [0, 1] in the order given. A k larger
// than the gallery counts the whole gallery.
std::vector<double> recall_at_k(const LabelledEmbeddings& queries, const LabelledEmbeddings& gallery,
                                const std::vector<int64_t>& ks);
// The same from neighbours nearest_neighbours found (for k up to as many as
// it kept), for a caller that also needs them.
std::vector<double> recall_from_neighbours(const at::Tensor& neighbours, const std::vector<int64_t>& query_labels,
                                           const std::vector<int64_t>& gallery_labels,
                                           const std::vector<int64_t>& ks);

}  // namespace avflow::eval
