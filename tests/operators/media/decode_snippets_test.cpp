#include <ATen/ATen.h>

#include <catch2/catch.hpp>
#include <filesystem>
#include <fstream>

#include "libs/media/media_decoder.h"
#include "libs/media/snippet.h"
#include "tests/operators/run_graph.h"
#include "tests/support/capture_sink.h"
#include "tests/support/media_fixtures.h"
#include "tests/support/process.h"

using namespace avflow;
using namespace avflow::media;
using namespace avflow::test;

namespace {
std::vector<Snippet> decode_snippets(const std::string& params) {
  auto r = run_graph_text(node_toml("decode", "decode", params) + node_toml("cap", "test_capture") +
                          edge_toml("decode.snippet", "cap"));
  auto packets = Captured::instance().take_in_item_order("cap");
  REQUIRE(r.status == RunStatus::kFinished);
  std::vector<Snippet> out;
  for (const auto& p : packets) out.push_back(p.get<Snippet>());
  return out;
}
std::string uri_param(const std::filesystem::path& file) { return "uri = \"" + file.string() + "\"\n"; }
}  // namespace

TEST_CASE("a title of known length gives whole snippets of 16 frames and 3.2 s of 48 kHz audio", "[media][snippets]") {
  TempDir dir;
  // 7 s: two whole snippets (6.4 s); the partial third is dropped.
  auto file = write_test_media(std::filesystem::path(dir.path()) / "movie.webm", {.seconds = 7.0});
  auto snippets = decode_snippets(uri_param(file) + "title = \"movie\"");
  REQUIRE(snippets.size() == 2);
  for (int64_t m = 0; m < 2; ++m) {
    const Snippet& s = snippets[m];
    CHECK(s.title == "movie");
    CHECK(s.show.empty());
    CHECK(s.index == m);
    CHECK(s.start_s == Approx(3.2 * m));
    CHECK(s.end_s == Approx(3.2 * (m + 1)));
    CHECK(s.video.sizes() == std::vector<int64_t>{16, 190, 338, 3});
    CHECK(s.audio.sizes() == std::vector<int64_t>{153600});
  }
}

TEST_CASE("snippets are exactly aligned cuts of the decoded streams", "[media][snippets]") {
  TempDir dir;
  auto file = write_test_media(std::filesystem::path(dir.path()) / "t.webm", {.seconds = 7.0, .tone_hz = 700});
  auto snippets = decode_snippets(uri_param(file));
  REQUIRE(snippets.size() == 2);
  // The same title decoded as plain streams, frame by frame and sample by sample.
  MediaDecoder d(file.string(), DecodeSettings{});
  for (int64_t m = 0; m < 2; ++m) {
    for (int64_t i = 0; i < 16; ++i) {
      auto frame = d.next_frame();
      REQUIRE(frame);
      CHECK(at::equal(*frame, snippets[m].video.get()[i]));
    }
    CHECK(at::equal(d.read_audio(153600).select(1, 0), snippets[m].audio.get()));
  }
}

TEST_CASE("a window decode starts at its time and keeps title indices", "[media][snippets]") {
  TempDir dir;
  // A 50 Hz tone: its period (960 samples) is longer than the lags searched below.
  auto file = write_test_media(std::filesystem::path(dir.path()) / "t.webm",
                               {.seconds = 10.0, .width = 160, .height = 90, .tone_hz = 50});
  auto all = decode_snippets(uri_param(file));
  REQUIRE(all.size() == 3);
  auto window = decode_snippets(uri_param(file) + "start = 3.2\nduration = 3.2");
  REQUIRE(window.size() == 1);
  CHECK(window[0].index == 1);
  CHECK(window[0].start_s == Approx(3.2));
  CHECK(at::equal(window[0].video.get(), all[1].video.get()));
  // Audio after a seek lands within a millisecond: Vorbis seeks to its
  // granule, not to the sample. Find the lag of a 100 ms stretch.
  const at::Tensor piece = window[0].audio.get().slice(0, 48000, 52800);
  const at::Tensor whole = all[1].audio.get();
  int64_t best_lag = 0;
  double best = 1e9;
  for (int64_t lag = -480; lag <= 480; ++lag) {
    const double d = (whole.slice(0, 48000 + lag, 52800 + lag) - piece).abs().max().item<double>();
    if (d < best) best = d, best_lag = lag;
  }
  CHECK(std::abs(best_lag) <= 48);
  CHECK(best < 0.01);
}

TEST_CASE("decode's video and audio ports carry the snippet's tensors", "[media][snippets]") {
  TempDir dir;
  auto file = write_test_media(std::filesystem::path(dir.path()) / "t.webm", {.seconds = 3.5, .width = 160, .height = 90});
  auto r = run_graph_text(node_toml("decode", "decode", uri_param(file) + "channels = 2") + node_toml("v", "test_capture") +
                          node_toml("a", "test_capture") + edge_toml("decode.video", "v") + edge_toml("decode.audio", "a"));
  REQUIRE(r.status == RunStatus::kFinished);
  auto v = Captured::instance().take("v");
  auto a = Captured::instance().take("a");
  REQUIRE(v.size() == 1);
  REQUIRE(a.size() == 1);
  CHECK(v[0].get<Tensor>().sizes() == std::vector<int64_t>{16, 190, 338, 3});
  CHECK(a[0].get<Tensor>().sizes() == std::vector<int64_t>{2, 153600});
}

TEST_CASE("decode reads a catalogue's titles in turn and passes over a bad one under skip", "[media][snippets]") {
  TempDir dir;
  const std::filesystem::path root(dir.path());
  std::filesystem::create_directories(root / "movies");
  std::filesystem::create_directories(root / "tv" / "show");
  const MediaSpec small{.seconds = 3.5, .width = 64, .height = 48};
  write_test_media(root / "movies" / "a.webm", small);
  write_test_media(root / "tv" / "show" / "e1.webm", small);
  write_test_media(root / "tv" / "show" / "e2.webm", {.seconds = 7.0, .width = 64, .height = 48});
  std::ofstream(root / "movies" / "broken.mkv") << "not a video";
  auto snippets = decode_snippets("catalogue = \"" + root.string() + "\"\nshort_side = 48\non_error = \"skip\"");
  std::vector<std::string> got;
  for (const auto& s : snippets) got.push_back(s.title + "#" + std::to_string(s.index) + "/" + s.show);
  CHECK(got == std::vector<std::string>{"a#0/", "show/e1#0/show", "show/e2#0/show", "show/e2#1/show"});
}
