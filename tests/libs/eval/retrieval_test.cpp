// Nearest-neighbour retrieval on hand-built embeddings: cosine ranking
// (scale does not matter), recall at k counted by hand, k beyond the
// gallery, and the refusals.
#include "libs/eval/retrieval.h"

#include <catch2/catch.hpp>

using namespace avflow::eval;

namespace {

LabelledEmbeddings rows(std::vector<std::vector<float>> values, std::vector<int64_t> labels) {
  LabelledEmbeddings e;
  const int64_t n = static_cast<int64_t>(values.size()), d = n ? static_cast<int64_t>(values[0].size()) : 2;
  e.values = at::zeros({n, d});
  for (int64_t i = 0; i < n; ++i)
    for (int64_t j = 0; j < d; ++j) e.values[i][j] = values[static_cast<size_t>(i)][static_cast<size_t>(j)];
  e.labels = std::move(labels);
  return e;
}

// Gallery: unit vectors at 0, 30, 60, 90, 180 degrees (scaled to show that
// length is ignored), classes 0, 1, 1, 2, 0.
LabelledEmbeddings gallery() {
  return rows({{1, 0}, {0.866f * 3, 0.5f * 3}, {0.5f, 0.866f}, {0, 7}, {-2, 0}}, {0, 1, 1, 2, 0});
}

}  // namespace

TEST_CASE("neighbours are ranked by cosine similarity, whatever the vectors' lengths", "[retrieval]") {
  // A query at 10 degrees: 0 (10), 30 (20), 60 (50), 90 (80), 180 (170).
  const auto nn = nearest_neighbours(rows({{0.985f * 5, 0.174f * 5}}, {2}), gallery(), 5);
  REQUIRE(nn.sizes() == at::IntArrayRef({1, 5}));
  const std::vector<int64_t> order(nn.data_ptr<int64_t>(), nn.data_ptr<int64_t>() + 5);
  CHECK(order == std::vector<int64_t>{0, 1, 2, 3, 4});
}

TEST_CASE("recall at k counts a query when one of its k nearest neighbours has its class", "[retrieval]") {
  // Query a (10 degrees, class 1): ranks 0:c0, 1:c1 -> first hit at rank 2.
  // Query b (85 degrees, class 0): 90:c2, 60:c1, 30:c1, 0:c0 -> rank 4.
  // Query c (175 degrees, class 0): 180:c0 -> rank 1.
  // Query d (10 degrees, class 3): no neighbour of class 3 at all.
  const auto queries = rows({{0.985f, 0.174f}, {0.087f, 0.996f}, {-0.996f, 0.087f}, {0.985f, 0.174f}}, {1, 0, 0, 3});
  const auto recall = recall_at_k(queries, gallery(), {1, 2, 3, 4, 5});
  REQUIRE(recall.size() == 5);
  CHECK(recall[0] == Approx(0.25));  // c
  CHECK(recall[1] == Approx(0.5));   // c, a
  CHECK(recall[2] == Approx(0.5));
  CHECK(recall[3] == Approx(0.75));  // c, a, b
  CHECK(recall[4] == Approx(0.75));  // d never
}

TEST_CASE("a k larger than the gallery counts the whole gallery", "[retrieval]") {
  const auto queries = rows({{0.087f, 0.996f}}, {0});
  const auto recall = recall_at_k(queries, gallery(), {20, 4, 1});
  CHECK(recall == std::vector<double>{1.0, 1.0, 0.0});
  CHECK(nearest_neighbours(queries, gallery(), 20).size(1) == 5);
}

TEST_CASE("retrieval refuses an empty gallery, k below 1 and mismatched shapes", "[retrieval]") {
  const auto q = rows({{1, 0}}, {0});
  CHECK_THROWS_WITH(nearest_neighbours(q, rows({}, {}), 1), "the gallery is empty");
  CHECK_THROWS_WITH(recall_at_k(q, gallery(), {0}), "k must be at least 1, not 0");
  CHECK_THROWS_WITH(nearest_neighbours(rows({{1, 0, 0}}, {0}), gallery(), 1), "queries have 3 values, the gallery 2");
  CHECK_THROWS_WITH(nearest_neighbours(rows({{1, 0}}, {0, 1}), gallery(), 1),
                    "the query set has 1 embeddings but 2 labels");
}
