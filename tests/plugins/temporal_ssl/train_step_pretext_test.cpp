// train_step with temporal_ssl's pretext heads and terms: the clips' labels
// come on its labels input, its rows carry each term and each pretext
// accuracy, a weight of 0 removes a term, and a term that reads labels with
// nothing on the labels input, or a misspelt head, is refused naming the node.
#include <ATen/ATen.h>

#include <catch2/catch.hpp>

#include "engine/graph_loader.h"
#include "engine/payloads/scalars.h"
#include "libs/temporal/clip_labels.h"
#include "tests/operators/run_graph.h"
#include "tests/support/capture_sink.h"
#include "tests/support/project_plugins.h"
#include "tests/support/scalar_rows.h"
#include "tests/support/tensor_feed.h"

using namespace avflow;
using namespace avflow::test;
using Catch::Matchers::Contains;

namespace {

const std::string kModel =
    "video_width = 4\naudio_width = 4\nblocks = 1\nembedding_dim = 16\nsteps_per_epoch = 2\nepochs = 1\n"
    "seed = 5\nthreads = 1\n";

// Video, audio and (when `labelled`) labels feeds into train_step "train".
std::string graph(const std::string& objective, bool labelled = true) {
  std::string g = node_toml("video", "test_tensor_feed") + node_toml("audio", "test_tensor_feed") +
                  node_toml("train", "train_step", kModel + objective) + node_toml("cap", "test_capture") +
                  edge_toml("video", "train.video") + edge_toml("audio", "train.audio") +
                  edge_toml("train.metrics", "cap");
  if (labelled) g += node_toml("labels", "test_tensor_feed") + edge_toml("labels", "train.labels");
  return g;
}

// Two steps of 4 clips; labels as temporal_transform gives them.
void feed() {
  at::manual_seed(11);
  TensorFeed::instance().set("video", {at::randn({4, 3, 4, 32, 32}), at::randn({4, 3, 4, 32, 32})});
  TensorFeed::instance().set("audio", {at::randn({4, 1, 32, 40}), at::randn({4, 1, 32, 40})});
  const at::Tensor labels = at::tensor({0, 0, 1, 0, 1, 1, 1, 0, 0, 2, 2, 0, 1, 4, 6, 3, 1, 1, 6, 14}, at::kLong);
  TensorFeed::instance().set("labels", {labels.view({4, 5}), labels.view({4, 5}).clone()});
}

// Empties the feeds and captures a failed run left behind.
void clear_feeds() {
  TensorFeed::instance().set("video", {});
  TensorFeed::instance().set("audio", {});
  TensorFeed::instance().set("labels", {});
  Captured::instance().clear();
}

const std::string kAllFour =
    "heads = [\"speed_video\", \"speed_audio\", \"direction_video\", \"direction_audio\"]\n"
    "loss_terms = [\"contrastive\", \"speed_video\", \"speed_audio\", \"direction_video\", \"direction_audio\"]\n";

}  // namespace

TEST_CASE("train_step reports each pretext term and accuracy, its loss their weighted sum",
          "[temporal][train][pretext]") {
  load_project_plugins();
  feed();
  auto r = run_graph_text(graph(kAllFour + "loss_weights = [1.0, 0.5, 0.5, 2.0, 1.0]\n"));
  INFO((r.failures.empty() ? "" : r.failures[0].str()));
  REQUIRE(r.status == RunStatus::kFinished);
  const auto rows = take_scalars("cap");
  REQUIRE(rows.size() == 2);
  for (const auto& row : rows) {
    const double sum = scalar(row, "loss_contrastive") + 0.5 * scalar(row, "loss_speed_video") +
                       0.5 * scalar(row, "loss_speed_audio") + 2.0 * scalar(row, "loss_direction_video") +
                       scalar(row, "loss_direction_audio");
    CHECK(scalar(row, "loss") == Approx(sum).epsilon(1e-5));
    for (const char* task : {"speed_video", "speed_audio", "direction_video", "direction_audio"}) {
      const double accuracy = scalar(row, std::string(task) + "_accuracy");
      CHECK(accuracy >= 0.0);
      CHECK(accuracy <= 1.0);
      CHECK(accuracy * 4 == Approx(std::round(accuracy * 4)));  // a count of 4 clips
    }
  }
  // At initialisation a 4-way head is near chance: ln 4.
  CHECK(scalar(rows[0], "loss_speed_video") == Approx(std::log(4.0)).margin(0.3));
}

TEST_CASE("train_step trains the order heads on the pairs of its batches", "[temporal][train][order]") {
  load_project_plugins();
  feed();  // pairs: [0, 1) and [0, 2) overlap; [4, 6) then [6, 14) after
  auto r = run_graph_text(graph("heads = [\"order_video\", \"order_audio\"]\n"
                                "loss_terms = [\"contrastive\", \"order_vv\", \"order_aa\", \"order_va\"]\n"
                                "loss_weights = [1.0, 1.0, 1.0, 0.5]\n"));
  INFO((r.failures.empty() ? "" : r.failures[0].str()));
  REQUIRE(r.status == RunStatus::kFinished);
  const auto rows = take_scalars("cap");
  REQUIRE(rows.size() == 2);
  for (const auto& row : rows) {
    CHECK(scalar(row, "loss") == Approx(scalar(row, "loss_contrastive") + scalar(row, "loss_order_vv") +
                                        scalar(row, "loss_order_aa") + 0.5 * scalar(row, "loss_order_va"))
                                     .epsilon(1e-5));
    for (const char* task : {"order_vv", "order_aa", "order_va"}) {
      const double accuracy = scalar(row, std::string(task) + "_accuracy");
      CHECK(accuracy * 2 == Approx(std::round(accuracy * 2)));  // a count of 2 pairs
    }
  }
  // At initialisation a 3-way pair classifier is near chance: ln 3.
  CHECK(scalar(rows[0], "loss_order_vv") == Approx(std::log(3.0)).margin(0.3));
}

TEST_CASE("a pretext term of weight 0 is removed, its head with it", "[temporal][train][pretext]") {
  load_project_plugins();
  feed();
  auto r = run_graph_text(graph(kAllFour + "loss_weights = [1.0, 0.0, 1.0, 0.0, 1.0]\n"));
  INFO((r.failures.empty() ? "" : r.failures[0].str()));
  REQUIRE(r.status == RunStatus::kFinished);
  const auto rows = take_scalars("cap");
  REQUIRE(rows.size() == 2);
  CHECK(has_scalar(rows[0], "loss_speed_audio"));
  CHECK_FALSE(has_scalar(rows[0], "loss_speed_video"));
  CHECK_FALSE(has_scalar(rows[0], "speed_video_accuracy"));
  CHECK_FALSE(has_scalar(rows[0], "loss_direction_video"));
  CHECK(scalar(rows[0], "loss") ==
        Approx(scalar(rows[0], "loss_contrastive") + scalar(rows[0], "loss_speed_audio") +
               scalar(rows[0], "loss_direction_audio"))
            .epsilon(1e-5));
}

TEST_CASE("a pretext term without labels, and a misspelt head, are refused naming the node",
          "[temporal][train][pretext][errors]") {
  load_project_plugins();
  feed();
  auto r = run_graph_text(graph("heads = [\"speed_video\"]\nloss_terms = [\"contrastive\", \"speed_video\"]\n"
                                "loss_weights = [1.0, 1.0]\n",
                                /*labelled=*/false));
  REQUIRE(r.status == RunStatus::kFailed);
  CHECK(r.failures.at(0).node == "train");
  CHECK_THAT(r.failures.at(0).message,
             Contains("loss term 'speed_video' reads the clips' labels, but nothing is connected to this node's labels "
                      "input"));
  clear_feeds();  // what the failed run left

  PluginLoader plugins(Registry::global());
  CHECK_THROWS_WITH(load_graph_text(graph("heads = [\"speed_vidoe\"]\nloss_terms = [\"contrastive\", \"speed_video\"]\n"
                                          "loss_weights = [1.0, 1.0]\n"),
                                    "g.toml", {}, plugins, Registry::global()),
                    Contains("node 'train'") && Contains("'speed_vidoe' (did you mean 'speed_video'?)"));
}

TEST_CASE("train_step trains the extended contrastive terms and reports each", "[temporal][train][contrastive]") {
  load_project_plugins();
  feed();
  auto r = run_graph_text(graph("loss_terms = [\"contrastive_vv\", \"contrastive_va\"]\nloss_weights = [1.0, 0.5]\n"
                                "loss_settings = [\"contrastive_vv.queue_size=4\", \"contrastive_va.queue_size=8\"]\n"));
  INFO((r.failures.empty() ? "" : r.failures[0].str()));
  REQUIRE(r.status == RunStatus::kFinished);
  const auto rows = take_scalars("cap");
  REQUIRE(rows.size() == 2);
  for (const auto& row : rows)
    CHECK(scalar(row, "loss") ==
          Approx(scalar(row, "loss_contrastive_vv") + 0.5 * scalar(row, "loss_contrastive_va")).epsilon(1e-5));
}

TEST_CASE("a queue smaller than the batch, and a misspelt setting, are refused naming the node",
          "[temporal][train][contrastive][errors]") {
  load_project_plugins();
  feed();
  // No sampler says the batch before the run: the first step finds it out.
  auto r = run_graph_text(graph("loss_terms = [\"contrastive_vv\"]\nloss_weights = [1.0]\n"
                                "loss_settings = [\"contrastive_vv.queue_size=2\"]\n"));
  REQUIRE(r.status == RunStatus::kFailed);
  CHECK(r.failures.at(0).node == "train");
  CHECK_THAT(r.failures.at(0).message,
             Contains("loss_settings: contrastive_vv.queue_size = 2 is smaller than the batch of 4 clips"));
  clear_feeds();  // what the failed run left

  PluginLoader plugins(Registry::global());
  CHECK_THROWS_WITH(load_graph_text(graph("loss_terms = [\"contrastive_vv\"]\nloss_weights = [1.0]\n"
                                          "loss_settings = [\"contrastive_vv.queue_sise=8\"]\n"),
                                    "g.toml", {}, plugins, Registry::global()),
                    Contains("node 'train'") && Contains("'queue_sise' of loss term 'contrastive_vv' (did you mean "
                                                         "'queue_size'?)"));
}
