// shard_reader's on_error: a corrupt snippet record fails the run (fail, the
// default), or is served by the nearest readable snippet of its title (skip),
// logged once, counted in the node's metrics, the same substitute on every
// request and every run, until max_errors is exceeded.
#include <catch2/catch.hpp>
#include <filesystem>
#include <fstream>

#include "engine/payloads/scalars.h"
#include "libs/media/shard/shard_file.h"
#include "libs/media/snippet.h"
#include "tests/operators/run_graph.h"
#include "tests/support/capture_sink.h"
#include "tests/support/media_fixtures.h"
#include "tests/support/process.h"
#include "tests/support/snippet_requests.h"

using namespace avflow;
using namespace avflow::media;
using namespace avflow::test;
namespace fs = std::filesystem;

namespace {

// A prepared folder with one 14 s movie: snippets 0 to 3.
fs::path prepared_film(const TempDir& dir) {
  const fs::path data = fs::path(dir.path()) / "data", out = fs::path(dir.path()) / "prepared";
  fs::create_directories(data / "movies");
  write_test_media(data / "movies" / "film.webm", {.seconds = 14.0, .width = 96, .height = 54});
  auto r = run_graph_text(node_toml("titles", "titles", "catalogue = \"" + data.string() + "\"") +
                          node_toml("prepare", "prepare", "out = \"" + out.string() + "\"\nshort_side = 54") +
                          node_toml("count", "count") + edge_toml("titles", "prepare") + edge_toml("prepare", "count"));
  REQUIRE(r.status == RunStatus::kFinished);
  REQUIRE(ShardFile(out / "film.avshard").count() == 4);
  return out;
}

// Flips a byte in the middle of snippet m's record.
void corrupt_snippet(const fs::path& shard, int64_t m) {
  const shard::IndexEntry where = ShardFile(shard).record(m);
  std::fstream f(shard, std::ios::in | std::ios::out | std::ios::binary);
  f.seekg(static_cast<std::streamoff>(where.offset + where.bytes / 2));
  const char c = static_cast<char>(f.get());
  f.seekp(static_cast<std::streamoff>(where.offset + where.bytes / 2));
  f.put(static_cast<char>(c ^ 0x5a));
}

// One request at a time, so that the items read when a bad one comes (a
// fractional budget) are the same in every run.
RunResult read_snippets(const fs::path& prepared, const std::string& reader_params) {
  return run_graph_text("[graph]\nmax_in_flight = 1\n\n" + node_toml("req", "test_snippet_requests") +
                        node_toml("reader", "shard_reader", "dir = \"" + prepared.string() + "\"\n" + reader_params) +
                        node_toml("cap", "test_capture") + edge_toml("req", "reader") + edge_toml("reader.snippet", "cap"));
}

std::vector<int64_t> served(const std::string& sink) {
  std::vector<int64_t> m;
  for (const auto& p : Captured::instance().take_in_item_order(sink)) m.push_back(p.get<Snippet>().index);
  return m;
}

}  // namespace

TEST_CASE("a corrupt snippet fails the run by default, naming the shard", "[media][shards][on_error]") {
  TempDir dir;
  const fs::path prepared = prepared_film(dir);
  corrupt_snippet(prepared / "film.avshard", 2);
  set_snippet_requests({{"film", 0}, {"film", 2}});
  auto r = read_snippets(prepared, "");
  Captured::instance().take("cap");
  REQUIRE(r.status == RunStatus::kFailed);
  CHECK_THAT(r.failures[0].str(), Catch::Contains("film.avshard") && Catch::Contains("corrupt shard") &&
                                      Catch::Contains("node 'reader'"));
}

TEST_CASE("under skip a corrupt snippet is served by its nearest readable neighbour, counted, the same every time",
          "[media][shards][on_error]") {
  TempDir dir;
  const fs::path prepared = prepared_film(dir);
  const fs::path file = prepared / "film.avshard";
  corrupt_snippet(file, 1);
  corrupt_snippet(file, 2);  // snippet 2's neighbours: 1 (corrupt too), then 3
  set_snippet_requests({{"film", 0}, {"film", 1}, {"film", 2}, {"film", 3}, {"film", 1}, {"film", 2}});
  for (int run = 0; run < 2; ++run) {
    auto r = read_snippets(prepared, "on_error = \"skip\"\nmax_errors = 10");
    INFO((r.failures.empty() ? "" : r.failures[0].str()));
    REQUIRE(r.status == RunStatus::kFinished);
    // 1 -> 0 (the earlier on a tie), 2 -> 3 (1 is corrupt too).
    CHECK(served("cap") == std::vector<int64_t>{0, 0, 3, 3, 0, 3});
    const NodeMetrics* reader = r.metrics.find("reader");
    REQUIRE(reader);
    CHECK(reader->errors == 4);
    CHECK(reader->items_in == 6);
    CHECK(r.metrics.table().find("errors") != std::string::npos);
  }
  // The substitute is the neighbour's content, whole.
  set_snippet_requests({{"film", 2}});
  REQUIRE(read_snippets(prepared, "on_error = \"skip\"").status == RunStatus::kFinished);
  auto got = Captured::instance().take_in_item_order("cap");
  REQUIRE(got.size() == 1);
  CHECK(at::equal(got[0].get<Snippet>().video.get(), ShardFile(file).read(3).video.get()));
}

TEST_CASE("under skip more bad snippets than max_errors fail the run, saying how many", "[media][shards][on_error]") {
  TempDir dir;
  const fs::path prepared = prepared_film(dir);
  corrupt_snippet(prepared / "film.avshard", 1);
  corrupt_snippet(prepared / "film.avshard", 3);
  set_snippet_requests({{"film", 0}, {"film", 1}, {"film", 2}, {"film", 3}});
  SECTION("a count") {
    auto r = read_snippets(prepared, "on_error = \"skip\"\nmax_errors = 1");
    Captured::instance().take("cap");
    REQUIRE(r.status == RunStatus::kFailed);
    CHECK_THAT(r.failures[0].str(), Catch::Contains("2 bad items in 4 read exceed max_errors = 1 (a count)") &&
                                        Catch::Contains("snippet 3 of title 'film'"));
  }
  SECTION("a fraction: at least one bad item is allowed, then the share of items read") {
    auto r = read_snippets(prepared, "on_error = \"skip\"\nmax_errors = 0.5");
    Captured::instance().take("cap");
    CHECK(r.status == RunStatus::kFinished);  // 2 of 4
    set_snippet_requests({{"film", 1}, {"film", 3}, {"film", 0}});
    auto over = read_snippets(prepared, "on_error = \"skip\"\nmax_errors = 0.5");
    Captured::instance().take("cap");
    REQUIRE(over.status == RunStatus::kFailed);  // 2 of 2 read when the second came
    CHECK_THAT(over.failures[0].str(), Catch::Contains("(a fraction of the items read)"));
  }
}
