// Shot-cut detection against the demo catalogue, whose cut frames are known
// from its plan (every scene of a demo title starts with a hard cut), and
// prepare storing the scene starts it finds in the shards.
#include <ATen/ATen.h>

#include <catch2/catch.hpp>
#include <cstdio>
#include <filesystem>

#include "engine/payloads/scalars.h"
#include "libs/demo/demo_title.h"
#include "libs/demo/demo_writer.h"
#include "libs/media/media_decoder.h"
#include "libs/media/scene/scene_detector.h"
#include "libs/media/shard/shard_file.h"
#include "libs/media/shard/shard_path.h"
#include "tests/operators/run_graph.h"
#include "tests/support/capture_sink.h"
#include "tests/support/process.h"
#include "tests/support/scalar_rows.h"

using namespace avflow;
using namespace avflow::media;
using namespace avflow::demo;
using namespace avflow::media::scene;
using namespace avflow::test;
namespace fs = std::filesystem;

namespace {

constexpr double kDecodedFps = 5.0;            // prepare's frame rate
constexpr int64_t kStep = demo::kFps / 5;     // demo frames per decoded frame

// The decoded frame that first shows each cut of the plan (after frame 0).
std::vector<int64_t> true_cuts(const DemoTitle& t) {
  std::vector<int64_t> cuts;
  for (size_t i = 1; i < t.scenes.size(); ++i) cuts.push_back((t.scenes[i].first_frame + kStep - 1) / kStep);
  return cuts;
}

struct Score {
  int hits = 0, false_cuts = 0, missed = 0;
  double precision() const { return hits / double(hits + false_cuts); }
  double recall() const { return hits / double(hits + missed); }
};

// Detected cuts match true ones one to one within `tolerance` frames.
void score(const std::vector<int64_t>& truth, const std::vector<int64_t>& found, int64_t tolerance, Score& s) {
  std::vector<bool> used(truth.size(), false);
  for (int64_t f : found) {
    bool hit = false;
    for (size_t j = 0; j < truth.size() && !hit; ++j)
      if (!used[j] && std::abs(truth[j] - f) <= tolerance) used[j] = hit = true;
    ++(hit ? s.hits : s.false_cuts);
  }
  for (bool u : used) s.missed += u ? 0 : 1;
}

DemoCatalogueOptions catalogue() { return {.seed = 5, .movies = 3, .shows = 1, .episodes = 1, .minutes = 1.0}; }

}  // namespace

TEST_CASE("shot cuts in the demo titles are found with high precision and recall", "[media][scene]") {
  TempDir dir;
  const DemoCatalogueOptions o = catalogue();
  Score total;
  for (const DemoTitleRef& ref : demo_titles(o)) {
    const DemoTitle title = plan_title(o.seed, ref, o.minutes * 60);
    const fs::path file = fs::path(dir.path()) / ref.path;
    fs::create_directories(file.parent_path());
    write_demo_title(title, file);

    DecodeSettings settings;
    settings.fps = kDecodedFps;
    settings.audio = false;
    MediaDecoder decoder(file.string(), settings);
    SceneDetector detector{SceneRule{}};
    while (auto f = decoder.next_frame()) detector.add_frame(f->data_ptr<uint8_t>(), f->size(0), f->size(1));
    const SceneCuts cuts = detector.finish();
    REQUIRE(cuts.frames == static_cast<int64_t>(o.minutes * 60 * kDecodedFps));
    REQUIRE(cuts.shot_starts.front() == 0);
    Score s;
    score(true_cuts(title), {cuts.shot_starts.begin() + 1, cuts.shot_starts.end()}, 1, s);
    INFO(ref.id << ": " << s.hits << " found, " << s.false_cuts << " false, " << s.missed << " missed");
    total.hits += s.hits, total.false_cuts += s.false_cuts, total.missed += s.missed;
  }
  std::printf("shot cuts on the demo titles (seed %llu): %d found, %d false, %d missed; precision %.3f, recall %.3f\n",
              static_cast<unsigned long long>(o.seed), total.hits, total.false_cuts, total.missed, total.precision(),
              total.recall());
  REQUIRE(total.hits + total.missed >= 15);  // enough cuts for the rates to mean something
  CHECK(total.precision() >= 0.9);
  CHECK(total.recall() >= 0.85);
}

namespace {

Scalars prepare_one(const fs::path& catalogue, const fs::path& out, const std::string& extra = "") {
  auto r = run_graph_text(node_toml("titles", "titles", "catalogue = \"" + catalogue.string() + "\"") +
                          node_toml("prepare", "prepare", "out = \"" + out.string() + "\"\n" + extra) +
                          node_toml("cap", "test_capture") + edge_toml("titles", "prepare") + edge_toml("prepare", "cap"));
  REQUIRE(r.status == RunStatus::kFinished);
  auto rows = take_scalars("cap");
  REQUIRE(rows.size() == 1);
  return rows[0];
}

}  // namespace

TEST_CASE("prepare stores the scene starts it detects, and redoes shards written without them", "[media][scene]") {
  TempDir dir;
  const DemoCatalogueOptions o = catalogue();
  const DemoTitleRef ref = demo_titles(o).front();
  const DemoTitle title = plan_title(o.seed, ref, 45);
  const fs::path data = fs::path(dir.path()) / "data", out = fs::path(dir.path()) / "prepared";
  fs::create_directories((data / ref.path).parent_path());
  write_demo_title(title, data / ref.path);
  const fs::path file = shard_path(out.string(), ref.id);

  const Scalars without = prepare_one(data, out, "scenes = false");
  CHECK(scalar(without, "scenes") == 0);
  CHECK_FALSE(ShardFile(file).has_scenes());

  const Scalars with = prepare_one(data, out);
  CHECK(scalar(with, "prepared") == 1);  // written again, now with scenes
  ShardFile shard(file);
  REQUIRE(shard.has_scenes());
  const std::vector<int64_t>& starts = shard.scene_starts();
  CHECK(scalar(with, "scenes") == static_cast<double>(starts.size() + 1));
  CHECK(scalar(with, "shots") >= scalar(with, "scenes"));
  CHECK_FALSE(starts.empty());
  // Every stored start is the snippet (16 frames) in which a planned cut lies,
  // or the one after it.
  const std::vector<int64_t> cuts = true_cuts(title);
  for (size_t i = 0; i < starts.size(); ++i) {
    INFO("scene start " << starts[i]);
    if (i > 0) CHECK(starts[i] > starts[i - 1]);
    CHECK(starts[i] > 0);
    CHECK(starts[i] < shard.count());
    bool near_cut = false;
    for (int64_t f : cuts) near_cut |= starts[i] == f / 16 || starts[i] == f / 16 + 1;
    CHECK(near_cut);
  }
  CHECK(scalar(prepare_one(data, out), "reused") == 1);
}
