#include <catch2/catch.hpp>
#include <fstream>
#include <sstream>
#include <vector>

#include "tests/operators/run_graph.h"
#include "tests/support/process.h"

using namespace avflow;
using namespace avflow::test;

namespace {
std::vector<std::string> lines_of(const std::string& path) {
  std::ifstream in(path);
  std::vector<std::string> lines;
  for (std::string line; std::getline(in, line);) lines.push_back(line);
  return lines;
}

std::string stats_to_csv(const std::string& path, const std::string& columns, int rows) {
  return node_toml("tone", "tone", "count = " + std::to_string(rows) + "\nduration = 0.01") +
         node_toml("stats", "tensor_stats") + node_toml("out", "csv", "path = \"" + path + "\"\n" + columns) +
         edge_toml("tone", "stats") + edge_toml("stats", "out");
}
}  // namespace

TEST_CASE("csv writes a header of step, time and the first row's names, then one line per row", "[csv]") {
  TempDir dir;
  const std::string path = dir.path() + "/sub/rows.csv";
  auto r = run_graph_text(stats_to_csv(path, "", 3));
  REQUIRE(r.status == RunStatus::kFinished);
  const auto lines = lines_of(path);
  REQUIRE(lines.size() == 4);
  CHECK(lines[0].rfind("step,time,", 0) == 0);
  CHECK(lines[0].find("rms") != std::string::npos);
  const auto columns = std::count(lines[0].begin(), lines[0].end(), ',');
  for (size_t i = 1; i < lines.size(); ++i) {
    INFO(lines[i]);
    CHECK(std::count(lines[i].begin(), lines[i].end(), ',') == columns);
    CHECK(lines[i].rfind(std::to_string(i - 1) + ",", 0) == 0);  // tensor_stats' step is the item number
    const double time = std::stod(lines[i].substr(lines[i].find(',') + 1));
    CHECK(time > 1.7e9);  // seconds since 1970: after 2023
  }
}

TEST_CASE("csv leaves cells of missing names empty and drops names outside its columns", "[csv]") {
  TempDir dir;
  const std::string path = dir.path() + "/rows.csv";
  auto r = run_graph_text(stats_to_csv(path, "columns = [\"rms\", \"loss\"]", 2));
  REQUIRE(r.status == RunStatus::kFinished);
  const auto lines = lines_of(path);
  REQUIRE(lines.size() == 3);
  CHECK(lines[0] == "step,time,rms,loss");
  CHECK(lines[1].back() == ',');  // no loss in tensor_stats' rows
  CHECK(std::count(lines[1].begin(), lines[1].end(), ',') == 3);
}
