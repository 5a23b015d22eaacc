// train_step's loss terms, picked by name: weights scale them, and names
// nobody registered are refused before anything runs.
#include <ATen/ATen.h>

#include <catch2/catch.hpp>

#include "engine/graph_loader.h"
#include "engine/payloads/scalars.h"
#include "tests/operators/model/train_graph.h"
#include "tests/operators/run_graph.h"
#include "tests/support/capture_sink.h"
#include "tests/support/scalar_rows.h"
#include "tests/support/tensor_feed.h"

using namespace avflow;
using namespace avflow::test;

namespace {

std::string graph(const std::string& objective) {
  return train_graph_toml(
      "video_width = 4\naudio_width = 4\nblocks = 1\nembedding_dim = 16\nsteps_per_epoch = 1\nepochs = 1\n"
      "seed = 5\nthreads = 1\n" + objective);
}

// The loss of one step on one fixed pair of batches.
double first_loss(const std::string& objective) {
  at::manual_seed(11);
  TensorFeed::instance().set("video", {at::randn({4, 3, 4, 32, 32})});
  TensorFeed::instance().set("audio", {at::randn({4, 1, 32, 40})});
  auto r = run_graph_text(graph(objective));
  INFO((r.failures.empty() ? "" : r.failures[0].str()));
  REQUIRE(r.status == RunStatus::kFinished);
  const auto rows = take_scalars("cap");
  REQUIRE(rows.size() == 1);
  return scalar(rows[0], "loss");
}

}  // namespace

TEST_CASE("train_step's loss is its terms times their weights", "[model][train][loss_terms]") {
  const double plain = first_loss("");
  CHECK(first_loss("loss_terms = [\"contrastive\"]\nloss_weights = [1.0]\n") == plain);
  CHECK(first_loss("loss_weights = [2.0]\n") == Approx(2 * plain).epsilon(1e-6));
}

TEST_CASE("train_step refuses loss terms and heads nobody registered", "[model][train][loss_terms][errors]") {
  PluginLoader plugins(Registry::global());
  try {
    load_graph_text(graph("loss_terms = [\"contrastive\", \"absent\"]\nloss_weights = [1.0]\nheads = [\"gone\"]\n"),
                    "g.toml", {}, plugins, Registry::global());
    FAIL("no error");
  } catch (const GraphError& e) {
    std::string all;
    for (const auto& d : e.diagnostics()) all += d.str() + "\n";
    CHECK(all.find("parameter 'heads' names no model_head 'gone'") != std::string::npos);
    CHECK(all.find("parameter 'loss_terms' names no loss_term 'absent'; known: contrastive") != std::string::npos);
    CHECK(all.find("parameter 'loss_weights' has 1 weights for 2 loss terms") != std::string::npos);
  }
}
