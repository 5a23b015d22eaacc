// The sampler in a graph: it reads the prepared shards' index, draws batches
// with a policy plugin, and shard_reader serves what it asks for.
#include <ATen/ATen.h>

#include <catch2/catch.hpp>
#include <filesystem>
#include <fstream>
#include <map>
#include <set>

#include "engine/graph_loader.h"
#include "engine/plugin_loader.h"
#include "libs/media/shard/shard_file.h"
#include "libs/media/shard/shard_path.h"
#include "libs/media/snippet_request.h"
#include "tests/operators/run_graph.h"
#include "tests/support/capture_sink.h"
#include "tests/support/process.h"
#include "tests/support/project_plugins.h"
#include "tests/support/shard_fixtures.h"

using namespace avflow;
using namespace avflow::media;
using namespace avflow::test;
namespace fs = std::filesystem;

namespace {

// A shard of `m` tiny snippets whose pixels say (title number, m).
void write_shard(const fs::path& dir, const std::string& title, const std::string& show, int number, int64_t m,
                 std::vector<int64_t> scenes = {}) {
  TestShard shard;
  shard.title = title;
  shard.show = show;
  shard.snippets = m;
  shard.pixel = [number](int64_t i, int64_t) { return static_cast<uint8_t>(number * 40 + i); };
  shard.scene_starts = std::move(scenes);
  write_test_shard(dir, shard);
}

fs::path make_shards(const TempDir& dir) {
  const fs::path out = fs::path(dir.path()) / "prepared";
  fs::create_directories(out / "show");
  write_shard(out, "alpha", "", 1, 12, {4, 8});
  write_shard(out, "beta", "", 2, 9);
  write_shard(out, "show/e1", "show", 3, 10);
  write_shard(out, "show/e2", "show", 4, 3);  // shorter than k = 4: skipped
  return out;
}

std::string sampler_toml(const fs::path& shards, const std::string& params) {
  return node_toml("sampler", "sampler", "shards = \"" + shards.string() + "\"\n" + params);
}

}  // namespace

TEST_CASE("sampler requests flow through shard_reader in batch order", "[sampling][sampler]") {
  load_project_plugins();
  TempDir dir;
  const fs::path shards = make_shards(dir);
  auto r = run_graph_text(sampler_toml(shards, "k = 4\nbatch_size = 12\nepoch_snippets = 36\nepochs = 2\nseed = 3") +
                          node_toml("reader", "shard_reader", "dir = \"" + shards.string() + "\"") +
                          node_toml("req", "test_capture") + node_toml("snip", "test_capture") +
                          edge_toml("sampler", "req") + edge_toml("sampler", "reader") +
                          edge_toml("reader.snippet", "snip"));
  INFO((r.failures.empty() ? "" : r.failures[0].str()));
  REQUIRE(r.status == RunStatus::kFinished);
  auto requests = Captured::instance().take("req");
  auto snippets = Captured::instance().take("snip");
  REQUIRE(requests.size() == 2 * 3 * 12);  // 2 epochs of 3 steps of 12
  REQUIRE(snippets.size() == requests.size());
  for (size_t i = 0; i < requests.size(); ++i) {
    const auto& q = requests[i].get<SnippetRequest>();
    const auto& s = snippets[i].get<Snippet>();
    CHECK(q.epoch == static_cast<int64_t>(i / 36));
    CHECK(q.step == static_cast<int64_t>(i / 12 % 3));
    CHECK(q.slot == static_cast<int64_t>(i % 12));
    // shard_reader (parallel) hands them on in request order.
    CHECK(s.title == q.title);
    CHECK(s.index == q.index);
    CHECK(q.title != "show/e2");
  }
  // Each step: 3 groups of 4 snippets of one title, titles distinct.
  for (size_t b = 0; b < requests.size(); b += 12) {
    std::set<std::string> titles;
    for (size_t g = 0; g < 12; g += 4) {
      titles.insert(requests[b + g].get<SnippetRequest>().title);
      for (size_t i = 1; i < 4; ++i)
        CHECK(requests[b + g + i].get<SnippetRequest>().title == requests[b + g].get<SnippetRequest>().title);
    }
    CHECK(titles.size() == 3);
  }
}

TEST_CASE("a resumed sampler emits the rest of the uninterrupted stream", "[sampling][sampler][resume]") {
  load_project_plugins();
  TempDir dir;
  const fs::path shards = make_shards(dir);
  auto run = [&](const std::string& extra) {
    auto r = run_graph_text(sampler_toml(shards, "policy = \"uniform\"\nk = 1\nbatch_size = 5\nepochs = 2\nseed = 8\n" +
                                                     extra) +
                            node_toml("req", "test_capture") + edge_toml("sampler", "req"));
    REQUIRE(r.status == RunStatus::kFinished);
    std::vector<std::string> out;
    for (const auto& p : Captured::instance().take("req")) {
      const auto& q = p.get<SnippetRequest>();
      out.push_back(q.title + "#" + std::to_string(q.index));
    }
    return out;
  };
  const auto whole = run("");
  REQUIRE(whole.size() == 2 * 6 * 5);  // 34 snippets: 6 steps of 5 an epoch
  const auto rest = run("start_epoch = 1\nstart_step = 2");
  REQUIRE(rest.size() == 4 * 5);
  CHECK(std::equal(rest.begin(), rest.end(), whole.end() - 20));
}

TEST_CASE("a data-parallel rank numbers its requests by their slot in the global batch", "[sampling][sampler][distributed]") {
  load_project_plugins();
  TempDir dir;
  const fs::path shards = make_shards(dir);
  // Item numbers and requests of one process, or of rank 1 of 2 (the second
  // group of 4 in each global batch of 8), 3 steps.
  auto run = [&](const std::string& ranks) {
    auto r = run_graph_text(sampler_toml(shards, "k = 4\nbatch_size = 8\nepoch_snippets = 24\nepochs = 1\nseed = 5\n" +
                                                     ranks) +
                            node_toml("req", "test_capture") + edge_toml("sampler", "req"));
    REQUIRE(r.status == RunStatus::kFinished);
    std::vector<std::pair<uint64_t, std::string>> out;
    const auto items = Captured::instance().items("req");
    const auto packets = Captured::instance().take("req");
    for (size_t i = 0; i < packets.size(); ++i) {
      const auto& q = packets[i].get<SnippetRequest>();
      out.emplace_back(items.at(i), q.title + "#" + std::to_string(q.index));
    }
    return out;
  };
  const auto whole = run("");
  const auto rank1 = run("rank = 1\nworld_size = 2");
  REQUIRE(whole.size() == 24);
  REQUIRE(rank1.size() == 12);
  std::vector<std::pair<uint64_t, std::string>> expected;
  for (const auto& [item, request] : whole)
    if (item % 8 >= 4) expected.emplace_back(item, request);
  CHECK(rank1 == expected);  // items 4-7, 12-15, 20-23, and the same snippets
  CHECK(rank1.front().first == 4);
}

TEST_CASE("prepared shards carry scene boundaries to the sampler's index", "[sampling][sampler][shard]") {
  TempDir dir;
  const fs::path shards = make_shards(dir);
  ShardFile alpha(shard_path(shards, "alpha"));
  CHECK(alpha.has_scenes());
  CHECK(alpha.scene_starts() == std::vector<int64_t>{4, 8});
  ShardFile beta(shard_path(shards, "beta"));
  CHECK_FALSE(beta.has_scenes());
  CHECK(beta.count() == 9);
}

TEST_CASE("sampler parameters wrong together are refused before anything runs", "[sampling][sampler][errors]") {
  load_project_plugins();
  auto errors_of = [](const std::string& params) {
    PluginLoader plugins(Registry::global());
    try {
      load_graph_text(sampler_toml("/nonexistent", params) + node_toml("req", "test_capture") +
                          edge_toml("sampler", "req"),
                      "g.toml", {}, plugins, Registry::global());
    } catch (const GraphError& e) {
      return e.diagnostics().at(0).str();
    }
    return std::string();
  };
  CHECK(errors_of("k = 16\nbatch_size = 40") ==
        "g.toml:6:14: error: node 'sampler': parameter 'batch_size' (40) is not divisible by k = 16: a batch holds "
        "B / k whole titles");
  CHECK(errors_of("k = 16\nw = 8\nbatch_size = 32") ==
        "g.toml:6:5: error: node 'sampler': parameter 'w' is refused by policy 'title_grouping': w = 8 is smaller "
        "than k = 16: k distinct snippets span at least k");
  CHECK(errors_of("policy = \"unifrom\"").find("parameter 'policy' names no sampling policy ('unifrom'); known: "
                                               "adjacent, scene_aware, temporal_clips, title_grouping, uniform") != std::string::npos);
}

TEST_CASE("a sampler over a folder without shards names it and says to run prepare", "[sampling][sampler][errors]") {
  load_project_plugins();
  TempDir dir;
  fs::create_directories(fs::path(dir.path()) / "empty");
  auto r = run_graph_text(sampler_toml(fs::path(dir.path()) / "empty", "") + node_toml("req", "test_capture") +
                          edge_toml("sampler", "req"));
  REQUIRE(r.status == RunStatus::kFailed);
  const std::string message = r.failures[0].str();
  INFO(message);
  CHECK(message.find("sampler") != std::string::npos);
  CHECK(message.find((fs::path(dir.path()) / "empty").string() + " holds no shards") != std::string::npos);
  CHECK(message.find("run prepare first") != std::string::npos);
}

TEST_CASE("titles prepare skipped are refused, or left out under on_error = skip within the budget",
          "[sampling][sampler][errors]") {
  load_project_plugins();
  TempDir dir;
  const fs::path shards = make_shards(dir);
  // A catalogue of the four shards' titles and one that prepare skipped
  // (its file does not decode): no shard, its reason beside the shards.
  const fs::path catalogue = fs::path(dir.path()) / "data";
  for (const char* file : {"movies/alpha.mkv", "movies/beta.mkv", "movies/broken.mkv", "tv/show/e1.mkv", "tv/show/e2.mkv"}) {
    fs::create_directories((catalogue / file).parent_path());
    std::ofstream(catalogue / file) << "not media";
  }
  std::ofstream(skipped_path(shards, "broken")) << "cannot decode movies/broken.mkv: not a media file\n";
  const std::string params = "catalogue = \"" + catalogue.string() + "\"\nsplit = \"all\"\npolicy = \"uniform\"\n"
                             "k = 1\nbatch_size = 2\nepochs = 1\n";
  std::vector<Packet> requests;
  auto run = [&](const std::string& extra) {
    auto r = run_graph_text(sampler_toml(shards, params + extra) + node_toml("req", "test_capture") +
                            edge_toml("sampler", "req"));
    requests = Captured::instance().take("req");
    return r;
  };

  auto refused = run("");
  REQUIRE(refused.status == RunStatus::kFailed);
  CHECK_THAT(refused.failures[0].str(),
             Catch::Contains("1 of the 5 titles chosen from " + catalogue.string() + " were skipped by prepare: "
                             "'broken' (cannot decode movies/broken.mkv: not a media file)") &&
                 Catch::Contains("on_error = \"skip\"") && Catch::Contains("node 'sampler'"));

  auto skipped = run("on_error = \"skip\"");
  INFO((skipped.failures.empty() ? "" : skipped.failures[0].str()));
  REQUIRE(skipped.status == RunStatus::kFinished);
  CHECK(requests.size() == 12 + 9 + 10 + 3);  // every snippet of the four prepared titles once
  for (const auto& p : requests) CHECK(p.get<SnippetRequest>().title != "broken");
  CHECK(skipped.metrics.find("sampler")->errors == 1);

  auto over = run("on_error = \"skip\"\nmax_errors = 0.1");  // 1 of 5 is above 10%, but one is allowed
  CHECK(over.status == RunStatus::kFinished);
  std::ofstream(skipped_path(shards, "beta")) << "no audio track\n";
  fs::remove(shard_path(shards, "beta"));
  auto beyond = run("on_error = \"skip\"\nmax_errors = 0.1");
  REQUIRE(beyond.status == RunStatus::kFailed);
  CHECK_THAT(beyond.failures[0].str(), Catch::Contains("2 of the 5 titles") && Catch::Contains("'beta' (no audio track)") &&
                                           Catch::Contains("more than max_errors = 0.1 allows"));
  // A title with neither shard nor reason was never prepared: no policy covers that.
  fs::remove(skipped_path(shards, "beta"));
  auto unprepared = run("on_error = \"skip\"\nmax_errors = 3");
  REQUIRE(unprepared.status == RunStatus::kFailed);
  CHECK_THAT(unprepared.failures[0].str(), Catch::Contains("title 'beta' has no shard"));
}
