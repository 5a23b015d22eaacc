#include <ATen/ATen.h>

#include <catch2/catch.hpp>
#include <filesystem>

#include "libs/media/live_snippet.h"
#include "runtime/free_port.h"
#include "tests/operators/run_graph.h"
#include "tests/support/capture_sink.h"
#include "tests/support/media_fixtures.h"
#include "tests/support/process.h"

using namespace avflow;
using namespace avflow::media;
using namespace avflow::test;

TEST_CASE("live_snippets cuts sliding snippets of a file with their audio, in stream time order", "[media][live]") {
  TempDir dir;
  auto file = write_test_media(std::filesystem::path(dir.path()) / "clip.webm", {.seconds = 7.0});
  auto r = run_graph_text(node_toml("src", "live_snippets",
                                    "uri = \"" + file.string() +
                                        "\"\nframes = 10\nhop = 5\nfps = 5.0\nshort_side = 32\nsample_rate = 16000\n"
                                        "exit_on_end = true\n") +
                          node_toml("cap", "test_capture") + edge_toml("src.snippet", "cap"));
  REQUIRE(r.status == RunStatus::kFinished);
  auto packets = Captured::instance().take_in_item_order("cap");
  // 35 frames: windows start at frames 0, 5, ..., 25.
  REQUIRE(packets.size() == 6);
  for (size_t i = 0; i < packets.size(); ++i) {
    const auto& s = packets[i].get<LiveSnippet>();
    CHECK(s.index == static_cast<int64_t>(i));
    CHECK(s.start_s == Approx(static_cast<double>(i)));
    CHECK(s.end_s == Approx(static_cast<double>(i) + 2.0));
    CHECK(s.reconnects == 0);
    CHECK(s.arrival_ns > 0);
    CHECK(s.video.get().size(0) == 10);
    CHECK(s.video.get().size(3) == 3);
    CHECK(std::min(s.video.get().size(1), s.video.get().size(2)) == 32);
    CHECK(s.audio.get().sizes() == at::IntArrayRef{32000});
  }
}

TEST_CASE("live_snippets gives up after max_reconnects on a dead stream, naming the URI", "[media][live]") {
  const std::string uri = "rtsp://127.0.0.1:" + std::to_string(avflow::cli::free_local_port()) + "/none";
  auto r = run_graph_text(node_toml("src", "live_snippets",
                                    "uri = \"" + uri + "\"\ntimeout = 1.0\nretry_initial = 0.05\nretry_max = 0.1\n"
                                    "max_reconnects = 2\n") +
                          node_toml("cap", "test_capture") + edge_toml("src.snippet", "cap"));
  REQUIRE(r.status == RunStatus::kFailed);
  REQUIRE(!r.failures.empty());
  CHECK(r.failures[0].message.find("gave up on " + uri) != std::string::npos);
}
