#include <algorithm>
#include <catch2/catch.hpp>

#include "libs/media/title.h"
#include "tests/operators/run_graph.h"
#include "tests/support/capture_sink.h"
#include "tests/support/process.h"

using namespace avflow;
using namespace avflow::test;

namespace {

// 4 movies and 2 shows (3 + 2 episodes): 9 titles in 6 units.
std::string write_manifest(const TempDir& dir) {
  std::string csv = "id,path,show\n";
  for (const char* m : {"heat", "alien", "ran", "brazil"}) csv += std::string(m) + ",movies/" + m + ".mkv,\n";
  for (int e = 1; e <= 3; ++e) csv += "lost" + std::to_string(e) + ",tv/lost/" + std::to_string(e) + ".mkv,lost\n";
  for (int e = 1; e <= 2; ++e) csv += "wire" + std::to_string(e) + ",tv/wire/" + std::to_string(e) + ".mkv,wire\n";
  return dir.write("titles.csv", csv);
}

std::vector<std::string> run_titles(const std::string& params) {
  auto r = run_graph_text(node_toml("titles", "titles", params) + node_toml("cap", "test_capture") +
                          edge_toml("titles", "cap"));
  auto out = Captured::instance().take("cap");
  REQUIRE(r.status == RunStatus::kFinished);
  std::vector<std::string> ids;
  for (const auto& p : out) ids.push_back(p.get<media::Title>().id);
  return ids;
}

}  // namespace

TEST_CASE("titles emits every title, and train + held_out partition them", "[titles]") {
  TempDir dir;
  const std::string catalogue = "catalogue = '" + write_manifest(dir) + "'\n";
  auto all = run_titles(catalogue);
  CHECK(all == std::vector<std::string>{"heat", "alien", "ran", "brazil", "lost1", "lost2", "lost3", "wire1", "wire2"});

  const std::string split = "seed = 5\nheld_out_fraction = 0.3\n";
  auto train = run_titles(catalogue + split + "split = 'train'");
  auto held = run_titles(catalogue + split + "split = 'held_out'");
  CHECK_FALSE(held.empty());
  CHECK(held.size() <= 3);  // round(0.3 * 9)
  std::vector<std::string> both = train;
  both.insert(both.end(), held.begin(), held.end());
  std::sort(both.begin(), both.end());
  std::sort(all.begin(), all.end());
  CHECK(both == all);
  CHECK(std::is_sorted(train.begin(), train.end()));
}

TEST_CASE("titles reads a movies/ + tv/ folder", "[titles]") {
  TempDir dir;
  dir.write("lib/movies/heat.mkv", "");
  dir.write("lib/tv/lost/1.mkv", "");
  CHECK(run_titles("catalogue = '" + dir.path() + "/lib'") == std::vector<std::string>{"heat", "lost/1"});
}

TEST_CASE("titles fails at open, naming the node and the path, when the catalogue is missing", "[titles]") {
  TempDir dir;
  const std::string missing = dir.path() + "/no-such.toml";
  auto r = run_graph_text(node_toml("titles", "titles", "catalogue = '" + missing + "'") +
                          node_toml("cap", "test_capture") + edge_toml("titles", "cap"));
  Captured::instance().take("cap");
  REQUIRE(r.status == RunStatus::kFailed);
  REQUIRE_FALSE(r.failures.empty());
  CHECK(r.failures[0].node == "titles");
  CHECK(r.failures[0].phase == "open");
  CHECK(r.failures[0].message.find(missing) != std::string::npos);
  CHECK(r.failures[0].message.find("does not exist") != std::string::npos);
}
