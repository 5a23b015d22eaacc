#include <ATen/ATen.h>

#include <catch2/catch.hpp>

#include "engine/payloads/tensor.h"
#include "tests/operators/run_graph.h"
#include "tests/support/capture_sink.h"

using namespace avflow;
using namespace avflow::test;

namespace {
std::string batch_graph(int count, const std::string& batch_params) {
  return node_toml("tone", "tone", "count = " + std::to_string(count) + "\nduration = 0.01\nsample_rate = 8000") +
         node_toml("batch", "batch", batch_params) + node_toml("cap", "test_capture") + edge_toml("tone", "batch") +
         edge_toml("batch", "cap");
}
}  // namespace

TEST_CASE("batch stacks consecutive tensors in arrival order", "[batch]") {
  auto r = run_graph_text(batch_graph(8, "size = 4"));
  REQUIRE(r.status == RunStatus::kFinished);
  auto out = Captured::instance().take("cap");
  REQUIRE(out.size() == 2);
  CHECK(out[0].get<Tensor>().sizes() == std::vector<int64_t>{4, 80});
  // The same snippets, unbatched, match the rows (the source is deterministic).
  auto single = run_graph_text(batch_graph(8, "size = 1"));
  auto rows = Captured::instance().take("cap");
  REQUIRE(rows.size() == 8);
  for (int i = 0; i < 4; ++i)
    CHECK(at::equal(out[1].get<Tensor>().get()[i], rows[4 + i].get<Tensor>().get()[0]));
}

TEST_CASE("batch flushes a partial batch at end of stream unless drop_last", "[batch]") {
  run_graph_text(batch_graph(10, "size = 4"));
  auto out = Captured::instance().take("cap");
  REQUIRE(out.size() == 3);
  CHECK(out[2].get<Tensor>().sizes() == std::vector<int64_t>{2, 80});
  run_graph_text(batch_graph(10, "size = 4\ndrop_last = true"));
  CHECK(Captured::instance().take("cap").size() == 2);
}

TEST_CASE("batch refuses tensors of different shapes, naming node and item", "[batch]") {
  // Two sources of different snippet lengths into one batch.
  std::string g = node_toml("a", "tone", "count = 1\nduration = 0.01\nsample_rate = 8000") +
                  node_toml("b", "tone", "count = 1\nduration = 0.02\nsample_rate = 8000") +
                  node_toml("batch", "batch", "size = 2") + node_toml("cap", "test_capture") + edge_toml("a", "batch") +
                  edge_toml("b", "batch") + edge_toml("batch", "cap");
  auto r = run_graph_text(g);
  Captured::instance().take("cap");
  REQUIRE(r.status == RunStatus::kFailed);
  REQUIRE_FALSE(r.failures.empty());
  CHECK(r.failures[0].node == "batch");
  CHECK(r.failures[0].message.find("cannot join a batch of") != std::string::npos);
  CHECK(r.failures[0].item.find("of source '") != std::string::npos);
}

TEST_CASE("batch of size 0 without a sampler upstream is refused before it runs, saying what to set", "[batch]") {
  try {
    run_graph_text(batch_graph(4, "size = 0"));
    FAIL("no error");
  } catch (const GraphError& e) {
    const std::string why = e.diagnostics().at(0).str();
    INFO(why);
    CHECK(e.diagnostics().at(0).node == "batch");
    CHECK(why.find("parameter 'size' = 0 reads side value 'rank_batch_size', but no node upstream publishes it; set "
                   "size") != std::string::npos);
  }
}

TEST_CASE("batch with pin_memory stacks the same values, page-locked where CUDA is present", "[batch][cuda]") {
  run_graph_text(batch_graph(8, "size = 4"));
  const auto plain = Captured::instance().take("cap");
  run_graph_text(batch_graph(8, "size = 4\npin_memory = true"));
  const auto pinned = Captured::instance().take("cap");
  REQUIRE(pinned.size() == 2);
  for (size_t i = 0; i < 2; ++i) {
    const at::Tensor& t = pinned[i].get<Tensor>().get();
    CHECK(at::equal(t, plain[i].get<Tensor>().get()));
    CHECK(t.device().is_cpu());
    if (at::hasCUDA()) CHECK(t.is_pinned());
  }
  if (!at::hasCUDA()) WARN("CUDA not available: page-locked batches are not checked here");
}
