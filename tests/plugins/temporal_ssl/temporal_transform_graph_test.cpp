// temporal_transform in a graph: the temporal_clips sampler asks shard_reader
// for clips of s consecutive snippets, and temporal_transform plays them at
// speed s (every s-th frame, the audio sped up to one snippet's length) in a
// drawn direction, labelled; pairs keep their order class. Bad speeds are
// refused naming the node.
#include <ATen/ATen.h>

#include <catch2/catch.hpp>
#include <filesystem>
#include <map>

#include "engine/graph_loader.h"
#include "engine/plugin_loader.h"
#include "libs/media/snippet.h"
#include "libs/media/snippet_request.h"
#include "libs/temporal/clip_labels.h"
#include "libs/temporal/clip_pair.h"
#include "tests/operators/run_graph.h"
#include "tests/support/capture_sink.h"
#include "tests/support/process.h"
#include "tests/support/project_plugins.h"
#include "tests/support/shard_fixtures.h"

using namespace avflow;
using namespace avflow::test;
using namespace avflow::temporal;
using Catch::Matchers::Contains;
namespace fs = std::filesystem;

namespace {

// Frame t of snippet m is all 8 m + 4 t (T = 2); sample i of snippet m is
// m + i / 1920 (a ramp per snippet).
void write_shards(const fs::path& dir) {
  for (const char* title : {"alpha", "beta"}) {
    TestShard shard;
    shard.title = title;
    shard.snippets = 24;
    shard.pixel = [](int64_t m, int64_t t) { return static_cast<uint8_t>(8 * m + 4 * t); };
    shard.sample = [](int64_t m, int64_t i) { return static_cast<float>(m) + static_cast<float>(i) / kTestShardSamples; };
    write_test_shard(dir, shard);
  }
}

std::string graph(const fs::path& shards, const std::string& transform_params) {
  return node_toml("sampler", "sampler",
                   "shards = \"" + shards.string() +
                       "\"\npolicy = \"temporal_clips\"\nk = 2\nbatch_size = 4\nepoch_snippets = 400\nseed = 7") +
         node_toml("reader", "shard_reader", "dir = \"" + shards.string() + "\"") +
         node_toml("temporal", "temporal_transform", transform_params) + node_toml("snip", "test_capture") +
         node_toml("video", "test_capture") + node_toml("audio", "test_capture") + node_toml("labels", "test_capture") +
         edge_toml("sampler", "reader") + edge_toml("reader.snippet", "temporal") + edge_toml("reader.snippet", "snip") +
         edge_toml("temporal.video", "video") + edge_toml("temporal.audio", "audio") +
         edge_toml("temporal.labels", "labels");
}

int64_t pixel_of(const at::Tensor& frame) { return frame[8][8][1].item<int64_t>(); }

}  // namespace

TEST_CASE("temporal_transform plays clips of s snippets at speed s in a drawn direction, labelled",
          "[temporal][temporal_transform]") {
  load_project_plugins();
  TempDir dir;
  const fs::path shards = fs::path(dir.path()) / "prepared";
  write_shards(shards);
  auto r = run_graph_text(graph(shards, "seed = 3"));
  INFO((r.failures.empty() ? "" : r.failures[0].str()));
  REQUIRE(r.status == RunStatus::kFinished);
  const auto snippets = Captured::instance().take_in_item_order("snip");
  const auto videos = Captured::instance().take_in_item_order("video");
  const auto audios = Captured::instance().take_in_item_order("audio");
  const auto labels = Captured::instance().take_in_item_order("labels");
  REQUIRE(snippets.size() == 400);
  REQUIRE(videos.size() == 400);
  REQUIRE(labels.size() == 400);
  const std::vector<int64_t> speeds{1, 2, 4, 8};
  std::map<int64_t, int> speed_seen;
  int video_back = 0, audio_back = 0, disagree = 0;
  std::vector<int> orders(3, 0);
  for (size_t i = 0; i < snippets.size(); ++i) {
    const auto& clip = snippets[i].get<media::Snippet>();
    const at::Tensor video = videos[i].get<Tensor>().get(), audio = audios[i].get<Tensor>().get();
    const at::Tensor l = labels[i].get<Tensor>().get();
    const int64_t s = clip.span, m = clip.index;
    INFO("clip " << i << ": m " << m << " s " << s);
    // shard_reader: s snippets joined.
    REQUIRE(clip.video.get().size(0) == 2 * s);
    REQUIRE(clip.audio.get().size(0) == s * kTestShardSamples);
    REQUIRE(l.sizes() == at::IntArrayRef{kClipLabels});
    CHECK(speeds[static_cast<size_t>(l[kSpeedClass].item<int64_t>())] == s);
    CHECK(l[kFirstSnippet].item<int64_t>() == m);
    CHECK(l[kEndSnippet].item<int64_t>() == m + s);
    ++speed_seen[s];
    // Video: frames 0 and s of the 2 s, i.e. frame 0 of snippet m and frame
    // (s mod 2) of snippet m + s / 2; reversed, the other way round.
    REQUIRE(video.sizes() == at::IntArrayRef{2, 16, 16, 3});
    const int64_t first = 8 * m, second = s == 1 ? 8 * m + 4 : 8 * (m + s / 2);
    const bool back = l[kVideoReversed].item<int64_t>() == 1;
    CHECK(pixel_of(video[0]) == Approx(back ? second : first).margin(2));
    CHECK(pixel_of(video[1]) == Approx(back ? first : second).margin(2));
    // Audio: one snippet's length; the ramp climbs forwards, falls backwards.
    REQUIRE(audio.sizes() == at::IntArrayRef{kTestShardSamples});
    const double rise = audio[1500].item<double>() - audio[400].item<double>();
    const bool audio_reversed = l[kAudioReversed].item<int64_t>() == 1;
    CHECK((audio_reversed ? -rise : rise) > 0.4 * static_cast<double>(s));
    video_back += back;
    audio_back += audio_reversed;
    disagree += back != audio_reversed;
    if (i % 2 == 1) {
      const at::Tensor a = labels[i - 1].get<Tensor>().get();
      ++orders[static_cast<size_t>(order_of({a[kFirstSnippet].item<int64_t>(), a[kEndSnippet].item<int64_t>()},
                                            {m, m + s}))];
    }
  }
  CHECK(speed_seen.size() == 4);
  // Directions about half the time, video and audio drawn apart.
  CHECK(video_back > 150);
  CHECK(video_back < 250);
  CHECK(audio_back > 150);
  CHECK(audio_back < 250);
  CHECK(disagree > 150);
  for (int n : orders) CHECK(n > 40);  // 200 pairs, three classes
}

TEST_CASE("temporal_transform with reverse_probability 0 plays every clip forwards", "[temporal][temporal_transform]") {
  load_project_plugins();
  TempDir dir;
  const fs::path shards = fs::path(dir.path()) / "prepared";
  write_shards(shards);
  auto r = run_graph_text(graph(shards, "reverse_probability = 0.0"));
  REQUIRE(r.status == RunStatus::kFinished);
  for (const auto& p : Captured::instance().take("labels")) {
    const at::Tensor l = p.get<Tensor>().get();
    CHECK(l[kVideoReversed].item<int64_t>() == 0);
    CHECK(l[kAudioReversed].item<int64_t>() == 0);
  }
  Captured::instance().clear();
}

TEST_CASE("speeds no title can hold, or that the transform does not know, are refused naming the node",
          "[temporal][temporal_transform][errors]") {
  load_project_plugins();
  TempDir dir;
  const fs::path shards = fs::path(dir.path()) / "prepared";
  write_shards(shards);
  // 32 snippets per clip: both titles have 24.
  auto too_long = run_graph_text(graph(shards, "speeds = [1, 32]"), {"sampler.speeds=[1, 32]"});
  REQUIRE(too_long.status == RunStatus::kFailed);
  CHECK_THAT(too_long.failures.at(0).str(),
             Contains("sampler") && Contains("speed 32 spans 32 snippets, more than any title holds (the longest: 24)"));
  // The sampler draws speed 8, which the transform was not told of.
  auto unknown = run_graph_text(graph(shards, "speeds = [1, 2, 4]"));
  REQUIRE(unknown.status == RunStatus::kFailed);
  CHECK_THAT(unknown.failures.at(0).str(), Contains("temporal") && Contains("speed 8 is not one of speeds [1, 2, 4]"));
  Captured::instance().clear();
  PluginLoader plugins(Registry::global());
  CHECK_THROWS_WITH(load_graph_text(graph(shards, "speeds = [2, 1]"), "g.toml", {}, plugins, Registry::global()),
                    Contains("node 'temporal'") && Contains("speeds") && Contains("distinct and increasing"));
}
