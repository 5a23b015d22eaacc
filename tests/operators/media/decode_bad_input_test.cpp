// Bad titles: under on_error = skip passed over with their reason, counted
// in the node's metrics, and the run finishes; under fail (the default) the
// run stops naming the title; beyond max_errors skip fails too.
#include <ATen/ATen.h>

#include <catch2/catch.hpp>
#include <filesystem>
#include <fstream>

#include "libs/media/snippet.h"
#include "tests/operators/run_graph.h"
#include "tests/support/capture_sink.h"
#include "tests/support/media_fixtures.h"
#include "tests/support/process.h"

using namespace avflow;
using namespace avflow::media;
using namespace avflow::test;

namespace {
RunResult run_decode(const std::string& params) {
  const std::string timeout = params.find("timeout") == std::string::npos ? "timeout = 5.0\n" : "";
  return run_graph_text(node_toml("decode", "decode", timeout + params) + node_toml("cap", "test_capture") +
                        edge_toml("decode.snippet", "cap"));
}
// The snippets of one title decoded under on_error = skip.
std::vector<Snippet> decode(const std::filesystem::path& file, const std::string& extra = "") {
  auto r = run_decode("uri = \"" + file.string() + "\"\non_error = \"skip\"\n" + extra);
  auto packets = Captured::instance().take_in_item_order("cap");
  CHECK(r.status == RunStatus::kFinished);
  std::vector<Snippet> out;
  for (const auto& p : packets) out.push_back(p.get<Snippet>());
  return out;
}
std::filesystem::path in(const TempDir& dir, const char* name) { return std::filesystem::path(dir.path()) / name; }
}  // namespace

TEST_CASE("broken files are skipped, not fatal", "[media][bad_input]") {
  TempDir dir;
  std::ofstream{in(dir, "empty.webm")};
  CHECK(decode(in(dir, "empty.webm")).empty());
  std::ofstream(in(dir, "garbage.mkv")) << std::string(100000, '\x42');
  CHECK(decode(in(dir, "garbage.mkv")).empty());
  CHECK(decode(in(dir, "does_not_exist.mp4")).empty());
  // Truncated: the first half of a real file still gives its whole snippets.
  auto whole = write_test_media(in(dir, "whole.webm"), {.seconds = 8.0, .width = 160, .height = 90});
  const auto size = std::filesystem::file_size(whole);
  {
    std::ifstream src(whole, std::ios::binary);
    std::string bytes(size / 2, '\0');
    src.read(bytes.data(), static_cast<std::streamsize>(bytes.size()));
    std::ofstream(in(dir, "truncated.webm"), std::ios::binary) << bytes;
  }
  auto truncated = decode(in(dir, "truncated.webm"));
  CHECK(truncated.size() <= 1);
}

TEST_CASE("a title without the track the graph needs is skipped", "[media][bad_input]") {
  TempDir dir;
  auto silent = write_test_media(in(dir, "silent.webm"), {.seconds = 4.0, .width = 160, .height = 90, .audio = false});
  CHECK(decode(silent).empty());
  CHECK(decode(silent, "audio = false").size() == 1);  // a video-only graph takes it
  auto radio = write_test_media(in(dir, "radio.webm"), {.seconds = 4.0, .video = false});
  CHECK(decode(radio).empty());
  auto audio_only = decode(radio, "video = false");
  REQUIRE(audio_only.size() == 1);
  CHECK_FALSE(audio_only[0].video.defined());
}

TEST_CASE("odd sample rates and channel layouts come out at 48 kHz mono or stereo", "[media][bad_input]") {
  TempDir dir;
  for (int rate : {44100, 22050}) {
    for (int channels : {2, 6}) {
      INFO("rate " << rate << " channels " << channels);
      auto file = write_test_media(in(dir, "a.webm"), {.seconds = 3.5, .width = 160, .height = 90, .audio_rate = rate,
                                                        .audio_channels = channels});
      auto mono = decode(file);
      REQUIRE(mono.size() == 1);
      CHECK(mono[0].audio.sizes() == std::vector<int64_t>{153600});
      CHECK(mono[0].audio.get().abs().max().item<float>() > 0.1f);
      auto stereo = decode(file, "channels = 2");
      REQUIRE(stereo.size() == 1);
      CHECK(stereo[0].audio.sizes() == std::vector<int64_t>{2, 153600});
    }
  }
}

TEST_CASE("a title shorter than one snippet gives no snippet", "[media][bad_input]") {
  TempDir dir;
  auto file = write_test_media(in(dir, "short.webm"), {.seconds = 2.0, .width = 160, .height = 90});
  CHECK(decode(file).empty());
}

TEST_CASE("a URI that does not answer is skipped after the timeout", "[media][bad_input]") {
  // A closed local port: the connection is refused at once.
  CHECK(decode("http://127.0.0.1:9/title.webm", "timeout = 2.0").empty());
  CHECK(decode("rtsp://127.0.0.1:9/stream", "timeout = 2.0").empty());
}

TEST_CASE("a variable frame rate title still gives frames on the 5 fps grid", "[media][bad_input]") {
  TempDir dir;
  // Four frames in ten dropped at random: irregular gaps between timestamps.
  auto file = write_test_media(in(dir, "vfr.webm"), {.seconds = 7.0, .width = 160, .height = 90, .drop_probability = 0.4});
  auto snippets = decode(file);
  REQUIRE(snippets.size() == 2);
  for (const auto& s : snippets) {
    CHECK(s.video.sizes() == std::vector<int64_t>{16, 190, 338, 3});
    CHECK(s.audio.sizes() == std::vector<int64_t>{153600});
  }
}

namespace {
// A catalogue of `good` playable titles and the named broken ones.
std::filesystem::path catalogue_with_broken(const TempDir& dir, int good, const std::vector<std::string>& broken) {
  const auto root = std::filesystem::path(dir.path()) / "titles";
  std::filesystem::create_directories(root / "movies");
  for (int i = 0; i < good; ++i)
    write_test_media(root / "movies" / ("good" + std::to_string(i) + ".webm"), {.seconds = 3.5, .width = 64, .height = 36});
  for (const auto& b : broken) std::ofstream(root / "movies" / (b + ".mkv")) << std::string(5000, '\x42');
  return root;
}
}  // namespace

TEST_CASE("a bad title fails the run by default, naming the title", "[media][bad_input][on_error]") {
  TempDir dir;
  std::ofstream(in(dir, "garbage.mkv")) << std::string(100000, '\x42');
  auto r = run_decode("uri = \"" + in(dir, "garbage.mkv").string() + "\"");
  Captured::instance().take("cap");
  REQUIRE(r.status == RunStatus::kFailed);
  CHECK_THAT(r.failures[0].str(), Catch::Contains("title 'garbage'") && Catch::Contains("garbage.mkv") &&
                                      Catch::Contains("node 'decode'") && Catch::Contains("on_error"));
}

TEST_CASE("under skip bad titles are passed over and counted, and beyond max_errors the run fails",
          "[media][bad_input][on_error]") {
  TempDir dir;
  const auto root = catalogue_with_broken(dir, 2, {"broken_a", "broken_b"});
  const std::string catalogue = "catalogue = \"" + root.string() + "\"\non_error = \"skip\"\n";
  SECTION("within the budget") {
    auto r = run_decode(catalogue + "max_errors = 2");
    auto got = Captured::instance().take_in_item_order("cap");
    INFO((r.failures.empty() ? "" : r.failures[0].str()));
    REQUIRE(r.status == RunStatus::kFinished);
    CHECK(got.size() == 2);  // one snippet from each good title
    const NodeMetrics* decode = r.metrics.find("decode");
    REQUIRE(decode);
    CHECK(decode->errors == 2);
  }
  SECTION("over it") {
    auto r = run_decode(catalogue + "max_errors = 1");
    Captured::instance().take("cap");
    REQUIRE(r.status == RunStatus::kFailed);
    CHECK_THAT(r.failures[0].str(), Catch::Contains("2 bad items") && Catch::Contains("max_errors = 1") &&
                                        Catch::Contains("title 'broken_b'"));
  }
}
