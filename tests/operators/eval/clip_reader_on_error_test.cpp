// clip_reader's on_error: a test file that no longer decodes fails the run
// naming it by default; under skip its clips are left out (every output of
// the item, so video, audio and label stay aligned), logged once per file
// and counted, and the other files' views all arrive; beyond max_errors the
// run fails saying how many.
#include <ATen/ATen.h>

#include <catch2/catch.hpp>
#include <filesystem>
#include <fstream>
#include <map>
#include <set>

#include "engine/payloads/tensor.h"
#include "libs/demo/demo_datasets.h"
#include "tests/operators/run_graph.h"
#include "tests/support/capture_sink.h"
#include "tests/support/process.h"

using namespace avflow;
using namespace avflow::test;
namespace fs = std::filesystem;

namespace {

const demo::DemoDatasetOptions kTiny{.seed = 3, .classes = 3, .clips_per_class = 3, .seconds = 0.8};

RunResult read_test_views(const std::string& root, const std::string& reader_params) {
  Captured::instance().clear();
  return run_graph_text(
      node_toml("clips", "labelled_clips", "dataset = \"ucf101\"\nroot = \"" + root + "\"\npart = \"test\"") +
      node_toml("reader", "clip_reader", "frames = 4\nfps = 10.0\ntest_crop = 64\n" + reader_params) +
      node_toml("video", "test_capture") + node_toml("audio", "test_capture") + node_toml("label", "test_capture") +
      edge_toml("clips", "reader") + edge_toml("reader.video", "video") + edge_toml("reader.audio", "audio") +
      edge_toml("reader.label", "label"));
}

// Overwrites the first class's test file (group 1) with bytes no demuxer takes.
fs::path break_first_test_file(const fs::path& root) {
  std::set<fs::path> test_files;
  for (const auto& e : fs::recursive_directory_iterator(root / "UCF-101"))
    if (e.path().filename().string().find("_g01_") != std::string::npos) test_files.insert(e.path());
  REQUIRE(test_files.size() == 3);
  const fs::path broken = *test_files.begin();
  std::ofstream(broken, std::ios::binary | std::ios::trunc) << std::string(20000, '\x42');
  return broken;
}

}  // namespace

TEST_CASE("a test file that does not decode fails the run by default, naming it", "[eval][clips][on_error]") {
  TempDir dir;
  const fs::path root = fs::path(dir.path()) / "ucf101";
  demo::write_demo_ucf101(root, kTiny);
  const fs::path broken = break_first_test_file(root);
  auto r = read_test_views(root.string(), "");
  Captured::instance().clear();
  REQUIRE(r.status == RunStatus::kFailed);
  CHECK_THAT(r.failures[0].str(), Catch::Contains(broken.filename().string()) && Catch::Contains("node 'reader'"));
}

TEST_CASE("under skip a bad file's clips are left out whole and counted, and the other files' views all arrive",
          "[eval][clips][on_error]") {
  TempDir dir;
  const fs::path root = fs::path(dir.path()) / "ucf101";
  demo::write_demo_ucf101(root, kTiny);
  break_first_test_file(root);
  SECTION("within the budget") {
    auto r = read_test_views(root.string(), "on_error = \"skip\"\nmax_errors = 30");
    INFO((r.failures.empty() ? "" : r.failures[0].str()));
    REQUIRE(r.status == RunStatus::kFinished);
    const auto videos = Captured::instance().take_in_item_order("video");
    const auto labels = Captured::instance().take_in_item_order("label");
    CHECK(Captured::instance().take("audio").size() == 60);
    REQUIRE(videos.size() == 60);  // 2 readable test files x 30 views
    REQUIRE(labels.size() == 60);
    std::map<int64_t, int> views_per_class;  // one test file a class; the bad file's class is gone whole
    for (const auto& l : labels) ++views_per_class[l.get<Tensor>().get().item<int64_t>()];
    CHECK(views_per_class.size() == 2);
    for (const auto& [label, views] : views_per_class) CHECK(views == 30);
    const NodeMetrics* reader = r.metrics.find("reader");
    REQUIRE(reader);
    CHECK(reader->errors == 30);
  }
  SECTION("over it") {
    auto r = read_test_views(root.string(), "on_error = \"skip\"\nmax_errors = 0.1");
    Captured::instance().clear();
    REQUIRE(r.status == RunStatus::kFailed);
    CHECK_THAT(r.failures[0].str(), Catch::Contains("exceed max_errors = 0.1 (a fraction of the items read)"));
  }
}
