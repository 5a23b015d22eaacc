#include <catch2/catch.hpp>
#include <fstream>
#include <sstream>

#include "tests/operators/run_graph.h"
#include "tests/support/process.h"

using namespace avflow;
using namespace avflow::test;

TEST_CASE("jsonl writes one JSON object per row to the file", "[jsonl]") {
  TempDir dir;
  std::string path = dir.path() + "/rows.jsonl";
  auto r = run_graph_text(node_toml("tone", "tone", "count = 3\nduration = 0.01") + node_toml("stats", "tensor_stats") +
                          node_toml("out", "jsonl", "path = \"" + path + "\"") + edge_toml("tone", "stats") +
                          edge_toml("stats", "out"));
  REQUIRE(r.status == RunStatus::kFinished);
  std::ifstream in(path);
  std::string line;
  int n = 0;
  while (std::getline(in, line)) {
    ++n;
    CHECK(line.front() == '{');
    CHECK(line.back() == '}');
    CHECK(line.find("\"step\":") != std::string::npos);
    CHECK(line.find("\"rms\":") != std::string::npos);
  }
  CHECK(n == 3);
}

TEST_CASE("jsonl fails at open, naming the path, when it cannot write", "[jsonl]") {
  auto r = run_graph_text(node_toml("tone", "tone", "count = 1\nduration = 0.01") + node_toml("stats", "tensor_stats") +
                          node_toml("out", "jsonl", "path = \"/nonexistent/dir/x.jsonl\"") +
                          edge_toml("tone", "stats") + edge_toml("stats", "out"));
  REQUIRE(r.status == RunStatus::kFailed);
  CHECK(r.failures[0].node == "out");
  CHECK(r.failures[0].phase == "open");
  CHECK(r.failures[0].message == "cannot open '/nonexistent/dir/x.jsonl' for writing");
}
