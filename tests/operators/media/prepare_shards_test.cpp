#include <ATen/ATen.h>

#include <catch2/catch.hpp>
#include <cmath>
#include <filesystem>
#include <fstream>

#include "engine/operator.h"
#include "engine/payloads/scalars.h"
#include "engine/registry.h"
#include "libs/media/media_decoder.h"
#include "libs/media/shard/shard_file.h"
#include "libs/media/shard/shard_writer.h"
#include "libs/media/snippet.h"
#include "libs/media/snippet_request.h"
#include "libs/media/source_stamp.h"
#include "tests/operators/run_graph.h"
#include "tests/support/capture_sink.h"
#include "tests/support/media_fixtures.h"
#include "tests/support/process.h"
#include "tests/support/scalar_rows.h"
#include "tests/support/snippet_requests.h"

using namespace avflow;
using namespace avflow::media;
using namespace avflow::test;
namespace fs = std::filesystem;

namespace {

// A catalogue folder with one 7 s movie (two whole snippets).
fs::path make_catalogue(const TempDir& dir) {
  const fs::path root = fs::path(dir.path()) / "data";
  fs::create_directories(root / "movies");
  write_test_media(root / "movies" / "film.webm", {.seconds = 7.0, .width = 192, .height = 108});
  return root;
}

std::vector<Scalars> prepare(const fs::path& catalogue, const fs::path& out) {
  auto r = run_graph_text(node_toml("titles", "titles", "catalogue = \"" + catalogue.string() + "\"") +
                          node_toml("prepare", "prepare", "out = \"" + out.string() + "\"\nshort_side = 108") +
                          node_toml("cap", "test_capture") + edge_toml("titles", "prepare") + edge_toml("prepare", "cap"));
  REQUIRE(r.status == RunStatus::kFinished);
  return take_scalars("cap");
}

std::vector<Snippet> decoded(const fs::path& file) {
  auto r = run_graph_text(node_toml("decode", "decode", "uri = \"" + file.string() + "\"\nshort_side = 108") +
                          node_toml("cap", "test_capture") + edge_toml("decode.snippet", "cap"));
  REQUIRE(r.status == RunStatus::kFinished);
  std::vector<Snippet> out;
  for (const auto& p : Captured::instance().take_in_item_order("cap")) out.push_back(p.get<Snippet>());
  return out;
}

double psnr(const at::Tensor& a, const at::Tensor& b) {
  const double mse = (a.to(at::kDouble) - b.to(at::kDouble)).square().mean().item<double>();
  return 10.0 * std::log10(255.0 * 255.0 / mse);
}

}  // namespace

TEST_CASE("prepare writes a shard that gives back PCM exactly and frames within JPEG loss", "[media][shards]") {
  TempDir dir;
  const fs::path data = make_catalogue(dir), out = fs::path(dir.path()) / "prepared";
  auto rows = prepare(data, out);
  REQUIRE(rows.size() == 1);
  CHECK(scalar(rows[0], "snippets") == 2);
  CHECK(scalar(rows[0], "prepared") == 1);
  ShardFile shard(out / "film.avshard");
  CHECK(shard.count() == 2);
  CHECK(shard.header().title == "film");
  auto reference = decoded(data / "movies" / "film.webm");
  REQUIRE(reference.size() == 2);
  for (int64_t m = 0; m < 2; ++m) {
    Snippet s = shard.read(m);
    CHECK(s.index == m);
    CHECK(s.start_s == Approx(3.2 * m));
    CHECK(at::equal(s.audio.get(), reference[m].audio.get()));  // bytes in = bytes out
    REQUIRE(s.video.sizes() == reference[m].video.sizes());
    CHECK(psnr(s.video.get(), reference[m].video.get()) > 30.0);  // quality 90
  }
  CHECK_FALSE(fs::exists(out / "film.avshard.partial"));
}

TEST_CASE("a corrupt shard is detected, naming the file", "[media][shards]") {
  TempDir dir;
  const fs::path out = fs::path(dir.path()) / "prepared";
  prepare(make_catalogue(dir), out);
  const fs::path file = out / "film.avshard";
  const auto size = fs::file_size(file);
  {
    // One byte flipped in the middle of snippet 1's record.
    ShardFile clean(file);
    std::fstream f(file, std::ios::in | std::ios::out | std::ios::binary);
    f.seekp(static_cast<std::streamoff>(size * 3 / 4));
    f.put('\x7f');
  }
  ShardFile shard(file);
  CHECK_NOTHROW(shard.read(0));
  CHECK_THROWS_WITH(shard.read(1), Catch::Contains(file.string()) && Catch::Contains("corrupt shard"));
  CHECK_THROWS_WITH(shard.read(2), Catch::Contains("no snippet 2"));
  fs::resize_file(file, size / 2);
  CHECK_THROWS_WITH(ShardFile(file), Catch::Contains(file.string()) && Catch::Contains("no end marker"));
}

TEST_CASE("re-running prepare reuses whole shards and redoes half-written or corrupt ones", "[media][shards]") {
  TempDir dir;
  const fs::path data = make_catalogue(dir), out = fs::path(dir.path()) / "prepared";
  prepare(data, out);
  const fs::path file = out / "film.avshard";
  const auto written = fs::last_write_time(file);
  auto again = prepare(data, out);
  CHECK(scalar(again[0], "reused") == 1);
  CHECK(fs::last_write_time(file) == written);
  // A run that died mid-title left a partial file; another left a broken shard.
  std::ofstream(out / "film.avshard.partial") << "half";
  fs::resize_file(file, 100);
  auto redo = prepare(data, out);
  CHECK(scalar(redo[0], "prepared") == 1);
  CHECK(ShardFile(file).count() == 2);
  CHECK_FALSE(fs::exists(out / "film.avshard.partial"));
}

TEST_CASE("re-running prepare redoes a shard decoded by older timeline rules", "[media][shards]") {
  TempDir dir;
  const fs::path data = make_catalogue(dir), out = fs::path(dir.path()) / "prepared";
  const fs::path file = out / "film.avshard";
  prepare(data, out);
  REQUIRE(ShardFile(file).timeline() == MediaDecoder::kTimelineVersion);
  // The same shard as a prepare of before the timeline was recorded wrote it.
  {
    const ShardFile now(file);
    ShardWriter old(out / "old.avshard", now.header());
    for (int64_t m = 0; m < now.count(); ++m) old.add(now.read(m));
    if (now.source()) old.set_source(*now.source());
    if (now.has_scenes()) old.set_scene_starts(now.scene_starts());
    old.finish();
  }
  fs::rename(out / "old.avshard", file);
  REQUIRE_FALSE(ShardFile(file).timeline());
  auto redo = prepare(data, out);
  CHECK(scalar(redo[0], "prepared") == 1);
  CHECK(scalar(redo[0], "reused") == 0);
  CHECK(ShardFile(file).timeline() == MediaDecoder::kTimelineVersion);
  CHECK(scalar(prepare(data, out)[0], "reused") == 1);
}

TEST_CASE("re-running prepare redoes a title whose file was replaced, and keeps the shard of one deleted",
          "[media][shards]") {
  TempDir dir;
  const fs::path data = make_catalogue(dir), out = fs::path(dir.path()) / "prepared";
  const fs::path film = data / "movies" / "film.webm", file = out / "film.avshard";
  // A manifest names the title, so it stays in the catalogue once its file is gone.
  const fs::path manifest = dir.write("data/catalogue.toml", "[[title]]\nid = \"film\"\npath = \"movies/film.webm\"\n");
  prepare(manifest, out);
  REQUIRE(ShardFile(file).source() == source_stamp(film.string()));
  REQUIRE(ShardFile(file).count() == 2);

  // Replaced as a user replaces a file (a shorter re-encode renamed over it).
  write_test_media(data / "film-new.webm", {.seconds = 4.0, .width = 192, .height = 108});
  fs::rename(data / "film-new.webm", film);
  auto redo = prepare(manifest, out);
  CHECK(scalar(redo[0], "prepared") == 1);
  CHECK(scalar(redo[0], "reused") == 0);
  CHECK(ShardFile(file).count() == 1);
  CHECK(ShardFile(file).source() == source_stamp(film.string()));
  CHECK(scalar(prepare(manifest, out)[0], "reused") == 1);  // unchanged since: left alone

  // Deleted: the shard holds all training needs, so it stays in use.
  fs::remove(film);
  const auto written = fs::last_write_time(file);
  auto kept = prepare(manifest, out);
  CHECK(scalar(kept[0], "reused") == 1);
  CHECK(fs::last_write_time(file) == written);
}

TEST_CASE("shard_reader serves (title, m) requests and names a missing shard", "[media][shards]") {
  TempDir dir;
  const fs::path out = fs::path(dir.path()) / "prepared";
  prepare(make_catalogue(dir), out);
  set_snippet_requests({{"film", 1}, {"film", 0}, {"film", 1}});
  const std::string graph = node_toml("req", "test_snippet_requests") +
                            node_toml("reader", "shard_reader", "dir = \"" + out.string() + "\"") +
                            node_toml("cap", "test_capture") + edge_toml("req", "reader") +
                            edge_toml("reader.snippet", "cap");
  auto r = run_graph_text(graph);
  REQUIRE(r.status == RunStatus::kFinished);
  auto got = Captured::instance().take_in_item_order("cap");
  REQUIRE(got.size() == 3);
  ShardFile shard(out / "film.avshard");
  CHECK(got[0].get<Snippet>().index == 1);
  CHECK(at::equal(got[0].get<Snippet>().video.get(), shard.read(1).video.get()));
  CHECK(at::equal(got[1].get<Snippet>().audio.get(), shard.read(0).audio.get()));

  set_snippet_requests({{"nope", 0}});
  auto bad = run_graph_text(graph);
  Captured::instance().take("cap");
  REQUIRE(bad.status == RunStatus::kFailed);
  CHECK_THAT(bad.failures[0].str(), Catch::Contains("nope.avshard") && Catch::Contains("node 'reader'"));
}

TEST_CASE("prepare records why it skipped a title beside the shards, and forgets it once the title is prepared",
          "[media][shards]") {
  TempDir dir;
  const fs::path data = make_catalogue(dir), out = fs::path(dir.path()) / "prepared";
  const fs::path media = data / "movies" / "broken.webm";
  std::ofstream(media) << "these bytes are no WebM file";
  auto rows = prepare(data, out);
  REQUIRE(rows.size() == 2);
  CHECK(scalar(rows[0], "failed") == 1);  // titles in id order: broken, film
  CHECK(scalar(rows[1], "prepared") == 1);
  CHECK_FALSE(fs::exists(out / "broken.avshard"));
  std::string reason;
  std::getline(std::ifstream(out / "broken.skipped"), reason);
  CHECK_THAT(reason, Catch::Contains("broken.webm"));
  CHECK_FALSE(fs::exists(out / "film.skipped"));
  write_test_media(media, {.seconds = 4.0, .width = 192, .height = 108});
  rows = prepare(data, out);
  CHECK(scalar(rows[0], "prepared") == 1);
  CHECK(ShardFile(out / "broken.avshard").count() == 1);
  CHECK_FALSE(fs::exists(out / "broken.skipped"));
}
