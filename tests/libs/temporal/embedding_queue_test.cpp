// The extended contrastive terms' memory: a queue of past embeddings that
// wraps around, comes back from a saved state bit for bit, and finds an
// anchor's nearest filled slots on hand-built embeddings.
#include "libs/temporal/embedding_queue.h"

#include <torch/torch.h>

#include <catch2/catch.hpp>
#include <sstream>

using namespace avflow::temporal;

namespace {

at::Tensor rows(std::initializer_list<float> values, int64_t d = 2) {
  return at::tensor(std::vector<float>(values)).view({-1, d});
}

// One key's mask over 4 slots.
at::Tensor slots(std::initializer_list<int> chosen) {
  return at::tensor(std::vector<int64_t>(chosen.begin(), chosen.end())).to(at::kBool).view({1, 4});
}

}  // namespace

TEST_CASE("a queue stores unit rows in order and overwrites the oldest once full", "[temporal][queue]") {
  EmbeddingQueue q(4, 2);
  CHECK(q->filled().sum().item<float>() == 0);
  q->push(rows({2, 0, 0, 3, 1, 1}));  // slots 0, 1, 2
  CHECK(at::allclose(q->values(), rows({1, 0, 0, 1, 0.70710678f, 0.70710678f, 0, 0})));
  CHECK(at::equal(q->filled(), at::tensor({1.f, 1.f, 1.f, 0.f})));
  q->push(rows({-1, 0, 0, -5}));  // slot 3, then wraps to slot 0
  CHECK(at::allclose(q->values(), rows({0, -1, 0, 1, 0.70710678f, 0.70710678f, -1, 0})));
  CHECK(at::equal(q->filled(), at::ones({4})));
  q->push(rows({3, 4}));  // slot 1
  CHECK(at::allclose(q->values()[1], at::tensor({0.6f, 0.8f})));
}

TEST_CASE("a queue refuses more rows than it holds, and rows of another width", "[temporal][queue]") {
  EmbeddingQueue q(2, 2);
  CHECK_THROWS_WITH(q->push(rows({1, 0, 0, 1, 1, 1})), "a batch of 3 embeddings does not fit a queue of 2");
  CHECK_THROWS_WITH(q->push(rows({1, 0, 0}, 3)), "embeddings of width 3 pushed to a queue of width 2");
  CHECK_THROWS_WITH(EmbeddingQueue(0, 2), Catch::Matchers::Contains("a size and a width of at least 1"));
}

TEST_CASE("a queue restored from its saved state is the same queue, bit for bit, and goes on alike",
          "[temporal][queue]") {
  torch::manual_seed(3);
  EmbeddingQueue q(8, 5);
  for (int i = 0; i < 3; ++i) q->push(torch::randn({3, 5}));  // 9 rows: wrapped once
  std::stringstream saved;
  {
    torch::serialize::OutputArchive archive;
    q->save(archive);
    archive.save_to(saved);
  }
  EmbeddingQueue restored(8, 5);
  {
    torch::serialize::InputArchive archive;
    archive.load_from(saved);
    restored->load(archive);
  }
  CHECK(at::equal(restored->values(), q->values()));
  CHECK(at::equal(restored->filled(), q->filled()));
  const at::Tensor next = torch::randn({3, 5});
  q->push(next);
  restored->push(next);  // lands in the same slots: the write position came back too
  CHECK(at::equal(restored->values(), q->values()));
}

TEST_CASE("the nearest filled slots are found by cosine similarity, empty slots never", "[temporal][queue]") {
  // Unit rows at 0, 90, 45 and 180 degrees; slot 3 still empty.
  const at::Tensor bank = rows({1, 0, 0, 1, 0.70710678f, 0.70710678f, -1, 0});
  const at::Tensor filled = at::tensor({1.f, 1.f, 1.f, 0.f});
  // A key at 10 degrees (length ignored): slots 0 (10), 2 (35), 1 (80).
  const at::Tensor key = rows({3 * 0.985f, 3 * 0.174f});
  CHECK(at::equal(nearest_filled(key, bank, filled, 1), slots({1, 0, 0, 0})));
  CHECK(at::equal(nearest_filled(key, bank, filled, 2), slots({1, 0, 1, 0})));
  // More neighbours asked for than slots are filled: the empty one stays out.
  CHECK(at::equal(nearest_filled(key, bank, filled, 4), slots({1, 1, 1, 0})));
  // A key at 170 degrees would pick the empty slot at 180 first; it takes 90 instead.
  CHECK(at::equal(nearest_filled(rows({-0.985f, 0.174f}), bank, filled, 1),
                  slots({0, 1, 0, 0})));
  CHECK(nearest_filled(key, bank, filled, 0).any().item<bool>() == false);
}
