#include <catch2/catch.hpp>
#include <filesystem>

#include "tests/runtime/cli_fixture.h"

using namespace avflow::test;

TEST_CASE("avflow check exits 0 and says ok for a valid graph", "[cli][check]") {
  TempDir dir;
  auto g = dir.write("ok.toml", counting_graph(3, 3));
  auto r = run_avflow({"check", g});
  CHECK(r.exit_code == 0);
  CHECK(r.out.find("ok (2 nodes, 1 edges)") != std::string::npos);
}

TEST_CASE("avflow check exits 2 and points at file, line, column and node of every error", "[cli][check]") {
  TempDir dir;
  auto g = dir.write("bad.toml",
                     "[[node]]\n"
                     "name = \"tone\"\n"
                     "op = \"tone\"\n"
                     "cuont = 3\n"          // line 4: unknown parameter
                     "\n"
                     "[[node]]\n"
                     "name = \"sink\"\n"
                     "op = \"conut\"\n");   // line 8: unknown operator
  auto r = run_avflow({"check", g});
  CHECK(r.exit_code == 2);
  CHECK(r.err.find(g + ":4:9: error: node 'tone': unknown parameter 'cuont'") != std::string::npos);
  CHECK(r.err.find("did you mean 'count'?") != std::string::npos);
  CHECK(r.err.find(g + ":8:6: error: node 'sink': unknown operator 'conut' (did you mean 'count'?)") !=
        std::string::npos);
  CHECK(r.err.find("2 errors; nothing was run") != std::string::npos);
}

TEST_CASE("avflow check reports TOML syntax errors with their position", "[cli][check]") {
  TempDir dir;
  auto g = dir.write("syntax.toml", "[[node]]\nname = \"a\"\nop = = \"tone\"\n");
  auto r = run_avflow({"check", g});
  CHECK(r.exit_code == 2);
  CHECK(r.err.find(g + ":3:") != std::string::npos);
}

TEST_CASE("avflow check of a missing file exits 2 and names it", "[cli][check]") {
  auto r = run_avflow({"check", "/nonexistent/graph.toml"});
  CHECK(r.exit_code == 2);
  CHECK(r.err.find("/nonexistent/graph.toml") != std::string::npos);
  CHECK(r.err.find("does not exist") != std::string::npos);
}

TEST_CASE("avflow check validates --set overrides too", "[cli][check]") {
  TempDir dir;
  auto g = dir.write("ok.toml", counting_graph(3, 3));
  auto r = run_avflow({"check", g, "--set", "tone.count=-4"});
  CHECK(r.exit_code == 2);
  CHECK(r.err.find("<command line>") != std::string::npos);
  CHECK(r.err.find("node 'tone': parameter 'count' value -4 is out of range") != std::string::npos);
  auto r2 = run_avflow({"check", g, "--set", "tnoe.count=4"});
  CHECK(r2.exit_code == 2);
  CHECK(r2.err.find("no node named 'tnoe' in the graph (did you mean 'tone'?)") != std::string::npos);
}

TEST_CASE("the shipped graphs pass avflow check", "[cli][check]") {
  // graphs/parts/ holds pieces other graphs include; they are checked there.
  for (const auto& entry : std::filesystem::recursive_directory_iterator(std::string(AVFLOW_SOURCE_DIR) + "/graphs")) {
    if (entry.path().extension() != ".toml" || entry.path().parent_path().filename() == "parts") continue;
    INFO(entry.path().string());
    auto r = run_avflow({"check", entry.path().string()});
    CHECK(r.exit_code == 0);
    CHECK(r.err == "");
  }
}
