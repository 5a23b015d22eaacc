// A job array's way of preparing a catalogue: two runs with part = 1/2 and
// 2/2 into one shard folder write exactly the shards one run writes.
#include <catch2/catch.hpp>
#include <filesystem>
#include <map>

#include "tests/runtime/cli_fixture.h"

using namespace avflow::test;
namespace fs = std::filesystem;

namespace {

// Every shard under `dir` by its path relative to it, with its bytes.
std::map<std::string, std::string> shards_in(const std::string& dir) {
  std::map<std::string, std::string> out;
  for (const auto& e : fs::recursive_directory_iterator(dir))
    if (e.path().extension() == ".avshard") out[fs::relative(e.path(), dir).string()] = slurp(e.path().string());
  return out;
}

}  // namespace

TEST_CASE("two parts of a catalogue prepared into one folder are the shards of one whole run", "[cli][prepare][part]") {
  TempDir dir;
  const std::string data = dir.path() + "/data";
  const auto made =
      run_avflow({"demo-catalogue", data, "--minutes", "0.2", "--movies", "2", "--shows", "1", "--episodes", "2"});
  INFO(made.err);
  REQUIRE(made.exit_code == 0);
  const auto whole = run_process(prepare_command(data, dir.path() + "/whole", dir.path() + "/whole.jsonl"));
  INFO(whole.err);
  REQUIRE(whole.exit_code == 0);
  for (const char* part : {"1/2", "2/2"}) {
    auto args = prepare_command(data, dir.path() + "/parts", dir.path() + "/part" + std::string(1, part[0]) + ".jsonl");
    args.insert(args.end(), {"--set", std::string("titles.part=") + part});
    const auto r = run_process(args);
    INFO(r.err);
    REQUIRE(r.exit_code == 0);
    CHECK(r.err.find(std::string("part ") + part[0] + " of 2 (part = " + part + "): 2 of 4 titles") != std::string::npos);
  }
  const auto one = shards_in(dir.path() + "/whole"), two = shards_in(dir.path() + "/parts");
  CHECK(one.size() == 4);
  CHECK(two.size() == one.size());
  for (const auto& [name, bytes] : one) {
    INFO(name);
    REQUIRE(two.count(name) == 1);
    CHECK(two.at(name) == bytes);
  }
  const auto bad = run_process([&] {
    auto args = prepare_command(data, dir.path() + "/bad", dir.path() + "/bad.jsonl");
    args.insert(args.end(), {"--set", "titles.part=3/2"});
    return args;
  }());
  CHECK(bad.exit_code == 2);
  CHECK(bad.err.find("node 'titles': parameter 'part' (\"3/2\") must be i/N with 1 <= i <= N") != std::string::npos);
}
