// labelled_clips -> clip_reader on a demo UCF101 / ESC-50 layout: training
// clips at random positions with their labels, every test view cut where
// multi-view testing puts it, and bad layouts refused in open.
#include <ATen/ATen.h>

#include <catch2/catch.hpp>
#include <set>

#include "engine/payloads/tensor.h"
#include "libs/demo/demo_datasets.h"
#include "tests/operators/run_graph.h"
#include "tests/support/capture_sink.h"
#include "tests/support/process.h"

using namespace avflow;
using namespace avflow::test;

namespace {

const demo::DemoDatasetOptions kTiny{.seed = 2, .classes = 3, .clips_per_class = 3, .seconds = 0.8};

std::string reader_graph(const std::string& clips_params, const std::string& reader_params) {
  return node_toml("clips", "labelled_clips", clips_params) + node_toml("reader", "clip_reader", reader_params) +
         node_toml("video", "test_capture") + node_toml("audio", "test_capture") + node_toml("label", "test_capture") +
         edge_toml("clips", "reader") + edge_toml("reader.video", "video") + edge_toml("reader.audio", "audio") +
         edge_toml("reader.label", "label");
}

}  // namespace

TEST_CASE("labelled_clips and clip_reader give every UCF101 test file's 30 views, cropped", "[eval][clips]") {
  TempDir dir;
  demo::write_demo_ucf101(dir.path() + "/ucf101", kTiny);
  Captured::instance().clear();
  auto r = run_graph_text(reader_graph("dataset = \"ucf101\"\nroot = \"" + dir.path() + "/ucf101\"\npart = \"test\"",
                                       "frames = 4\nfps = 10.0\ntest_crop = 64"));
  INFO((r.failures.empty() ? "" : r.failures[0].str()));
  REQUIRE(r.status == RunStatus::kFinished);
  const auto videos = Captured::instance().take_in_item_order("video");
  const auto labels = Captured::instance().take_in_item_order("label");
  REQUIRE(videos.size() == 3 * 30);  // 3 test files (group 1 of each class) x 30 views
  std::set<std::string> distinct;
  for (size_t i = 0; i < videos.size(); ++i) {
    const at::Tensor& v = videos[i].get<Tensor>().get();
    CHECK(v.sizes() == std::vector<int64_t>{4, 64, 64, 3});
    CHECK(labels[i].get<Tensor>().get().item<int64_t>() == static_cast<int64_t>(i / 30));
    distinct.insert(std::to_string(v.sum().item<int64_t>()) + "/" + std::to_string(i / 30));
  }
  CHECK(distinct.size() > 80);  // views differ (crop and time)
  CHECK(Captured::instance().take("audio").size() == 90);
}

TEST_CASE("training clips come shuffled each epoch, at positions that repeat with the seed", "[eval][clips]") {
  TempDir dir;
  demo::write_demo_ucf101(dir.path() + "/ucf101", kTiny);
  const std::string graph = reader_graph(
      "dataset = \"ucf101\"\nroot = \"" + dir.path() + "/ucf101\"\nepochs = 2\nseed = 5", "frames = 4\nfps = 10.0");
  std::vector<int64_t> sums[2];
  for (auto& sum : sums) {
    Captured::instance().clear();
    REQUIRE(run_graph_text(graph).status == RunStatus::kFinished);
    const auto videos = Captured::instance().take_in_item_order("video");
    const auto audio = Captured::instance().take_in_item_order("audio");
    REQUIRE(videos.size() == 12);  // 6 training files x 2 epochs
    for (size_t i = 0; i < videos.size(); ++i) {
      CHECK(videos[i].get<Tensor>().get().sizes() == std::vector<int64_t>{4, 120, 160, 3});
      CHECK(audio[i].get<Tensor>().get().size(0) == 19200);  // 0.4 s at 48 kHz
      sum.push_back(videos[i].get<Tensor>().get().sum().item<int64_t>());
    }
  }
  CHECK(sums[0] == sums[1]);
}

TEST_CASE("an ESC-50 fold gives audio clips only, and a bad layout fails in open naming the file", "[eval][clips]") {
  TempDir dir;
  demo::write_demo_esc50(dir.path() + "/esc50", kTiny);
  Captured::instance().clear();
  auto r = run_graph_text(node_toml("clips", "labelled_clips", "dataset = \"esc50\"\nroot = \"" + dir.path() +
                                                                  "/esc50\"\nsplit = 2\npart = \"test\"\ncrops = 1") +
                          node_toml("reader", "clip_reader", "video = false\naudio_seconds = 3.0\nsample_rate = 44100") +
                          node_toml("audio", "test_capture") + node_toml("label", "test_capture") +
                          edge_toml("clips", "reader") + edge_toml("reader.audio", "audio") +
                          edge_toml("reader.label", "label"));
  INFO((r.failures.empty() ? "" : r.failures[0].str()));
  REQUIRE(r.status == RunStatus::kFinished);
  const auto audio = Captured::instance().take("audio");
  REQUIRE(audio.size() == 3 * 10);  // fold 2: one clip per class, 10 views each
  CHECK(audio[0].get<Tensor>().get().size(0) == 3 * 44100);

  auto bad = run_graph_text(node_toml("clips", "labelled_clips", "dataset = \"hmdb51\"\nroot = \"" + dir.path() + "\"") +
                            node_toml("sink", "test_capture") + edge_toml("clips", "sink"));
  REQUIRE(bad.status == RunStatus::kFailed);
  CHECK(bad.failures[0].phase == "open");
  CHECK_THAT(bad.failures[0].message, Catch::Contains("testTrainMulti_7030_splits"));
}
