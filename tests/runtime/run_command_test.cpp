#include <catch2/catch.hpp>

#include <fstream>

#include "tests/runtime/cli_fixture.h"

using namespace avflow::test;

namespace {

size_t occurrences(const std::string& text, const std::string& s) {
  size_t n = 0;
  for (size_t at = 0; (at = text.find(s, at)) != std::string::npos; ++at) ++n;
  return n;
}

}  // namespace

TEST_CASE("avflow run exits 0 when the graph finishes", "[cli][run]") {
  TempDir dir;
  auto g = dir.write("g.toml", counting_graph(5, 5));
  auto r = run_avflow({"run", g, "--metrics"});
  CHECK(r.exit_code == 0);
  CHECK(r.err.find("count: 5 items") != std::string::npos);
  CHECK(r.err.find("finished in") != std::string::npos);
  // The metrics table lists every node with its counts.
  CHECK(r.err.find("tone ") != std::string::npos);
  CHECK(r.err.find("in        out") != std::string::npos);
}

TEST_CASE("avflow run applies --set overrides", "[cli][run]") {
  TempDir dir;
  auto g = dir.write("g.toml", counting_graph(5, 5));
  auto r = run_avflow({"run", g, "--set", "tone.count=7", "--set", "count.expect=7"});
  CHECK(r.exit_code == 0);
  CHECK(r.err.find("count: 7 items") != std::string::npos);
}

TEST_CASE("avflow run exits 1 when an operator fails, naming the node", "[cli][run]") {
  TempDir dir;
  auto g = dir.write("g.toml", counting_graph(5, 6));
  auto r = run_avflow({"run", g});
  CHECK(r.exit_code == 1);
  CHECK(r.err.find("node 'count' failed in finish: expected 6 items, counted 5") != std::string::npos);
}

TEST_CASE("avflow run refuses an invalid graph before running anything", "[cli][run]") {
  TempDir dir;
  std::string out_file = dir.path() + "/out.jsonl";
  auto g = dir.write("g.toml",
                     "[[node]]\nname = \"tone\"\nop = \"tone\"\ncount = 2\n\n"
                     "[[node]]\nname = \"out\"\nop = \"jsonl\"\npath = \"" + out_file + "\"\n\n"
                     "[[edge]]\nfrom = \"tone.pcm\"\nto = \"out.in\"\n");  // tensor into scalars: mismatch
  auto r = run_avflow({"run", g});
  CHECK(r.exit_code == 2);
  CHECK(r.err.find(g + ":11:1: error: node 'out': payload type mismatch: tone.pcm carries 'tensor' but "
                       "out.in accepts 'scalars'") != std::string::npos);
  CHECK_FALSE(std::ifstream(out_file).good());  // the sink was never opened
}

TEST_CASE("graphs/augment_demo.toml runs the video and audio augmentations", "[cli][run]") {
  auto r = run_avflow({"run", std::string(AVFLOW_SOURCE_DIR) + "/graphs/augment_demo.toml", "--set", "clips.count=2",
                       "--set", "tone.count=3"});
  INFO(r.err);
  REQUIRE(r.exit_code == 0);
  // One line per item: 3 x 16 x 158 x 158 normalised clips, 1 x 96 x 301 log-mel images.
  CHECK(occurrences(r.out, "\"numel\":1198272}") == 2);
  CHECK(occurrences(r.out, "\"numel\":28896}") == 3);
}

TEST_CASE("graphs/demo.toml runs over a demo catalogue", "[cli][run][demo]") {
  TempDir dir;
  const std::string data = dir.path() + "/demo";
  auto made = run_avflow({"demo-catalogue", data, "--minutes", "0.12", "--movies", "1", "--shows", "1", "--episodes",
                          "2", "--seed", "3"});
  INFO(made.err);
  REQUIRE(made.exit_code == 0);
  // Every title, 2 snippets each (7.2 s at 3.2 s), in batches of 2.
  auto r = run_avflow({"run", std::string(AVFLOW_SOURCE_DIR) + "/graphs/demo.toml", "--set",
                       "decode.catalogue=" + data, "--set", "decode.split=all", "--set", "video_batch.size=2", "--set",
                       "audio_batch.size=2"});
  INFO(r.err);
  REQUIRE(r.exit_code == 0);
  CHECK(r.err.find("3 title(s) decoded, 0 skipped") != std::string::npos);
  // 2 x 3 x 16 x 158 x 158 normalised clips; 2 x 1 x 96 x 301 log-mel images.
  CHECK(occurrences(r.out, "\"numel\":2396544}") == 3);
  CHECK(occurrences(r.out, "\"numel\":57792}") == 3);
}
