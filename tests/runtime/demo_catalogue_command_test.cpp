#include <catch2/catch.hpp>
#include <filesystem>

#include "tests/runtime/cli_fixture.h"

using namespace avflow::test;
namespace fs = std::filesystem;

TEST_CASE("avflow demo-catalogue writes media and a manifest", "[cli][demo]") {
  TempDir dir;
  const std::string out = dir.path() + "/demo";
  auto r = run_avflow({"demo-catalogue", out, "--minutes", "0.1", "--movies", "1", "--shows", "1", "--episodes", "1"});
  INFO(r.err);
  REQUIRE(r.exit_code == 0);
  CHECK(fs::exists(out + "/catalogue.toml"));
  size_t movies = 0, episodes = 0;
  for (const auto& f : fs::recursive_directory_iterator(out)) {
    if (f.path().extension() != ".webm") continue;
    CHECK(fs::file_size(f.path()) > 1000);
    const std::string rel = fs::relative(f.path(), out).string();
    movies += rel.rfind("movies/", 0) == 0;
    episodes += rel.rfind("tv/", 0) == 0;
  }
  CHECK(movies == 1);
  CHECK(episodes == 1);
  CHECK(r.err.find("[1/2]") != std::string::npos);
  CHECK(r.err.find("[2/2]") != std::string::npos);
  // Again: nothing to write.
  auto again = run_avflow({"demo-catalogue", out, "--minutes", "0.1", "--movies", "1", "--shows", "1", "--episodes", "1"});
  CHECK(again.exit_code == 0);
  CHECK(again.err.find("already there") != std::string::npos);
  // With an arrow of time the content differs, so every title is written anew.
  auto arrow = run_avflow({"demo-catalogue", out, "--minutes", "0.1", "--movies", "1", "--shows", "1", "--episodes", "1",
                           "--arrow-of-time"});
  INFO(arrow.err);
  CHECK(arrow.exit_code == 0);
  CHECK(arrow.err.find("2 titles written") != std::string::npos);
}

TEST_CASE("avflow demo-catalogue rejects bad options with exit 2", "[cli][demo]") {
  TempDir dir;
  auto bad = run_avflow({"demo-catalogue", dir.path(), "--movies", "two"});
  CHECK(bad.exit_code == 2);
  CHECK(bad.err.find("--movies must be a whole number") != std::string::npos);
  auto neg = run_avflow({"demo-catalogue", dir.path(), "--minutes", "-1"});
  CHECK(neg.exit_code == 2);
  CHECK(neg.err.find("--minutes") != std::string::npos);
  auto none = run_avflow({"demo-catalogue"});
  CHECK(none.exit_code == 2);
  CHECK(none.err.find("OUT_DIR") != std::string::npos);
  auto other = run_avflow({"run", "x.toml", "--movies", "1"});
  CHECK(other.exit_code == 2);
  CHECK(other.err.find("does not apply") != std::string::npos);
  CHECK_FALSE(fs::exists(dir.path() + "/movies"));
}
