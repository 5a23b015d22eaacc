// train_step inside a graph: video and audio batches fed by tests, a tiny
// model, metrics per step, checkpoints, resume, and the parameter checks.
#include <ATen/ATen.h>

#include <catch2/catch.hpp>
#include <filesystem>
#include <fstream>

#include "engine/graph_loader.h"
#include "engine/payloads/scalars.h"
#include "libs/model/checkpoint_position.h"
#include "tests/operators/model/train_graph.h"
#include "tests/operators/run_graph.h"
#include "tests/support/capture_sink.h"
#include "tests/support/no_tf32.h"
#include "tests/support/process.h"
#include "tests/support/scalar_rows.h"
#include "tests/support/tensor_feed.h"

using namespace avflow;
using namespace avflow::test;
namespace fs = std::filesystem;

namespace {

constexpr int64_t kBatch = 4;

// `steps` pairs of batches; with `same` every step sees the first pair.
void feed_batches(int steps, bool same) {
  at::manual_seed(11);
  std::vector<at::Tensor> videos, audios;
  for (int i = 0; i < steps; ++i) {
    if (same && i > 0) {
      videos.push_back(videos[0]);
      audios.push_back(audios[0]);
      continue;
    }
    videos.push_back(at::randn({kBatch, 3, 4, 32, 32}));
    audios.push_back(at::randn({kBatch, 1, 32, 40}));
  }
  TensorFeed::instance().set("video", videos);
  TensorFeed::instance().set("audio", audios);
}

std::string train_graph(const std::string& extra) {
  return train_graph_toml(
      "video_width = 4\naudio_width = 4\nblocks = 1\nembedding_dim = 16\nsteps_per_epoch = 4\n"
      "epochs = 2\nlr_start = 0.001\nlr_peak = 0.003\nseed = 5\nthreads = 1\n" + extra);
}

std::vector<Scalars> train(int steps, bool same, const std::string& extra = "",
                           const std::vector<std::string>& sets = {}) {
  feed_batches(steps, same);
  auto r = run_graph_text(train_graph(extra), sets);
  INFO((r.failures.empty() ? "" : r.failures[0].str()));
  REQUIRE(r.status == RunStatus::kFinished);
  return take_scalars("cap");
}

}  // namespace

TEST_CASE("train_step takes one step per pair of batches and reports loss, lr and gradient norm", "[model][train]") {
  const auto rows = train(3, false);
  REQUIRE(rows.size() == 3);
  for (size_t i = 0; i < rows.size(); ++i) {
    CHECK(rows[i].step == static_cast<int64_t>(i + 1));
    CHECK(std::isfinite(scalar(rows[i], "loss")));
    CHECK(scalar(rows[i], "grad_norm") > 0);
    CHECK(scalar(rows[i], "clips_per_s") > 0);
  }
  // Warm-up over the first epoch (4 steps) from lr_start to lr_peak.
  CHECK(scalar(rows[0], "lr") == Approx(0.001));
  CHECK(scalar(rows[1], "lr") == Approx(0.0015));
  CHECK(scalar(rows[2], "epoch") == Approx(0.75));
}

TEST_CASE("training on one fixed batch lowers its loss", "[model][train]") {
  const auto rows = train(12, true);
  REQUIRE(rows.size() == 12);
  CHECK(scalar(rows[11], "loss") < scalar(rows[0], "loss") - 0.2);
}

TEST_CASE("a resumed run continues the uninterrupted run's losses step for step", "[model][train]") {
  TempDir dir;
  const std::vector<std::string> ckpt = {"graph.checkpoints=" + (fs::path(dir.path()) / "ckpt").string()};
  std::vector<std::string> resume = ckpt;
  resume.push_back("graph.resume=true");
  const auto whole = train(6, false);

  // The same six steps in two runs: three, a checkpoint at the end, then three more after resume.
  feed_batches(6, false);
  auto all_video = TensorFeed::instance().get("video"), all_audio = TensorFeed::instance().get("audio");
  TensorFeed::instance().set("video", {all_video.begin(), all_video.begin() + 3});
  TensorFeed::instance().set("audio", {all_audio.begin(), all_audio.begin() + 3});
  REQUIRE(run_graph_text(train_graph(""), ckpt).status == RunStatus::kFinished);
  const auto first = take_scalars("cap");
  CHECK(model::latest_checkpoint_step(fs::path(dir.path()) / "ckpt") == 3);
  CHECK(fs::exists(fs::path(dir.path()) / "ckpt" / "video_encoder.pt"));
  CHECK(fs::exists(fs::path(dir.path()) / "ckpt" / "audio_encoder.pt"));

  TensorFeed::instance().set("video", {all_video.begin() + 3, all_video.end()});
  TensorFeed::instance().set("audio", {all_audio.begin() + 3, all_audio.end()});
  REQUIRE(run_graph_text(train_graph(""), resume).status == RunStatus::kFinished);
  const auto second = take_scalars("cap");
  REQUIRE(first.size() == 3);
  REQUIRE(second.size() == 3);
  for (int i = 0; i < 3; ++i) {
    const Scalars& a = first[static_cast<size_t>(i)];
    const Scalars& b = second[static_cast<size_t>(i)];
    CHECK(a.step == i + 1);
    CHECK(b.step == i + 4);
    CHECK(scalar(a, "loss") == Approx(scalar(whole[static_cast<size_t>(i)], "loss")).epsilon(1e-6));
    CHECK(scalar(b, "loss") == Approx(scalar(whole[static_cast<size_t>(i) + 3], "loss")).epsilon(1e-6));
    CHECK(scalar(b, "lr") == Approx(scalar(whole[static_cast<size_t>(i) + 3], "lr")));
  }
}

TEST_CASE("checkpoints are written every N steps and only the newest are kept", "[model][train]") {
  TempDir dir;
  const fs::path ckpt = fs::path(dir.path()) / "ckpt";
  train(5, false, "checkpoint_every = 2\nkeep = 2\n", {"graph.checkpoints=" + ckpt.string()});
  std::vector<std::string> folders;
  for (const auto& e : fs::directory_iterator(ckpt))
    if (e.is_directory()) folders.push_back(e.path().filename().string());
  std::sort(folders.begin(), folders.end());
  CHECK(folders == std::vector<std::string>{"step-00000004", "step-00000005"});  // 2, 4, then 5 at the end
  CHECK(model::latest_checkpoint_step(ckpt) == 5);
}

TEST_CASE("with overlap the rows and checkpoints are those of steps taken one at a time", "[model][train][overlap]") {
  // overlap = on defers reading each step's loss until the next batch is in
  // hand (on the CPU there is no copy to overlap, but the bookkeeping is the
  // one CUDA uses): the rows, their order, the checkpoints and the exported
  // weights must not change.
  TempDir dir;
  const auto run = [&](const std::string& overlap) {
    const fs::path ckpt = fs::path(dir.path()) / overlap;
    auto rows = train(5, false, "overlap = \"" + overlap + "\"\ncheckpoint_every = 2\n", {"graph.checkpoints=" + ckpt.string()});
    // The last row leaves from finish(), outside any source item, and the
    // capture orders by item: put the rows in step order.
    std::stable_sort(rows.begin(), rows.end(), [](const Scalars& a, const Scalars& b) { return a.step < b.step; });
    return std::make_pair(rows, ckpt);
  };
  const auto [off, off_dir] = run("off");
  const auto [on, on_dir] = run("on");
  REQUIRE(off.size() == 5);
  REQUIRE(on.size() == 5);
  for (size_t i = 0; i < on.size(); ++i) {
    CHECK(on[i].step == off[i].step);
    CHECK(scalar(on[i], "loss") == scalar(off[i], "loss"));
    CHECK(scalar(on[i], "grad_norm") == scalar(off[i], "grad_norm"));
    CHECK(scalar(on[i], "lr") == scalar(off[i], "lr"));
  }
  for (const char* step : {"step-00000004", "step-00000005"}) {
    INFO(step);
    CHECK(fs::exists(on_dir / step));
  }
  CHECK(model::latest_checkpoint_step(on_dir) == 5);
  const auto weights = [](const fs::path& file) {
    std::ifstream in(file, std::ios::binary);
    return std::string(std::istreambuf_iterator<char>(in), {});
  };
  CHECK(weights(on_dir / "video_encoder.pt") == weights(off_dir / "video_encoder.pt"));
  CHECK(weights(on_dir / "audio_encoder.pt") == weights(off_dir / "audio_encoder.pt"));
}

TEST_CASE("channels_last trains as the contiguous layout does", "[model][train][channels_last]") {
  const auto contiguous = train(3, false);
  const auto channels_last = train(3, false, "memory_format = \"channels_last\"\n");
  REQUIRE(channels_last.size() == 3);
  for (size_t i = 0; i < 3; ++i) {
    // Other convolution kernels, other rounding; the same function.
    CHECK(scalar(channels_last[i], "loss") == Approx(scalar(contiguous[i], "loss")).epsilon(1e-4));
    CHECK(scalar(channels_last[i], "grad_norm") == Approx(scalar(contiguous[i], "grad_norm")).epsilon(1e-3));
  }
}

TEST_CASE("auto precision and memory format train on the CPU exactly as float32 and contiguous", "[model][train]") {
  const auto plain = train(2, false);
  const auto automatic = train(2, false, "precision = \"auto\"\nmemory_format = \"auto\"\n");
  REQUIRE(automatic.size() == 2);
  for (size_t i = 0; i < 2; ++i) CHECK(scalar(automatic[i], "loss") == scalar(plain[i], "loss"));
}

TEST_CASE("on CUDA batches staged through pinned memory train as on the CPU, overlapped or not", "[model][train][cuda]") {
  if (!at::hasCUDA()) {
    WARN("CUDA not available: train_step's copy overlap and channels-last on CUDA are not checked here");
    return;
  }
  const avflow::test::NoTf32 full_float32;  // compared with the CPU at 1e-3
  const auto by_step = [](std::vector<Scalars> rows) {
    std::stable_sort(rows.begin(), rows.end(), [](const Scalars& a, const Scalars& b) { return a.step < b.step; });
    return rows;
  };
  const auto cpu = train(4, false);
  const auto overlapped = by_step(train(4, false, "device = \"cuda\"\n"));  // overlap = auto: on
  const auto stepwise = by_step(train(4, false, "device = \"cuda\"\noverlap = \"off\"\n"));
  const auto channels_last = by_step(train(4, false, "device = \"cuda\"\nmemory_format = \"channels_last\"\n"));
  REQUIRE(overlapped.size() == 4);
  REQUIRE(stepwise.size() == 4);
  REQUIRE(channels_last.size() == 4);
  for (size_t i = 0; i < 4; ++i) {
    INFO("step " << i + 1);
    CHECK(overlapped[i].step == static_cast<int64_t>(i + 1));
    // cuDNN's kernels round differently from the CPU's.
    CHECK(scalar(overlapped[i], "loss") == Approx(scalar(cpu[i], "loss")).epsilon(1e-3));
    CHECK(scalar(stepwise[i], "loss") == Approx(scalar(overlapped[i], "loss")).epsilon(1e-4));
    CHECK(scalar(channels_last[i], "loss") == Approx(scalar(overlapped[i], "loss")).epsilon(1e-3));
  }
}

TEST_CASE("train_step parameters wrong together are refused before anything runs", "[model][train][errors]") {
  PluginLoader plugins(Registry::global());
  try {
    load_graph_text(train_graph("warmup_epochs = 3.0\n"), "g.toml", {}, plugins, Registry::global());
    FAIL("no error");
  } catch (const GraphError& e) {
    CHECK(e.diagnostics().at(0).str().find("node 'train': parameter 'warmup_epochs' (3.0) is longer than the 2 epochs") !=
          std::string::npos);
  }
}

TEST_CASE("train_step pairs a video batch only with the audio batch of the same items", "[model][train][errors]") {
  // Clip by clip through batch nodes, which record their items; the audio
  // source numbers its clips from `first`: 0 pairs, 1 is off by one clip.
  const auto run = [](int64_t first) {
    at::manual_seed(3);
    std::vector<at::Tensor> videos, audios;
    for (int i = 0; i < 8; ++i) {
      videos.push_back(at::randn({3, 4, 32, 32}));
      audios.push_back(at::randn({1, 32, 40}));
    }
    TensorFeed::instance().set("video", videos);
    TensorFeed::instance().set("audio", audios);
    const std::string graph =
        node_toml("video", "test_tensor_feed") + node_toml("audio", "test_tensor_feed", "first_item = " + std::to_string(first)) +
        node_toml("vb", "batch", "size = 4") + node_toml("ab", "batch", "size = 4") +
        node_toml("train", "train_step",
                  "video_width = 4\naudio_width = 4\nblocks = 1\nembedding_dim = 16\nsteps_per_epoch = 2\n"
                  "epochs = 1\nthreads = 1\n") +
        node_toml("cap", "test_capture") + edge_toml("video", "vb") + edge_toml("audio", "ab") +
        edge_toml("vb", "train.video") + edge_toml("ab", "train.audio") + edge_toml("train.metrics", "cap");
    return run_graph_text(graph);
  };
  const RunResult paired = run(0);
  CHECK(paired.status == RunStatus::kFinished);
  CHECK(take_scalars("cap").size() == 2);
  const RunResult shifted = run(1);
  REQUIRE(shifted.status == RunStatus::kFailed);
  const std::string why = shifted.failures.at(0).str();
  INFO(why);
  CHECK(why.find("'train'") != std::string::npos);
  CHECK(why.find("differ at position 0 (item 0 against item 1)") != std::string::npos);
  take_scalars("cap");
}
