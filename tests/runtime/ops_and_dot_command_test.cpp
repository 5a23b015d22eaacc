#include <catch2/catch.hpp>
#include <fstream>
#include <sstream>

#include "tests/runtime/cli_fixture.h"

using namespace avflow::test;

TEST_CASE("avflow ops lists the built-in operators with their shapes", "[cli][ops]") {
  auto r = run_avflow({"ops"});
  CHECK(r.exit_code == 0);
  for (const char* op : {"tone ", "batch ", "tensor_stats ", "jsonl ", "count ", "throttle "})
    CHECK(r.out.find(op) != std::string::npos);
  CHECK(r.out.find("source") != std::string::npos);
}

TEST_CASE("avflow ops NAME describes ports and parameters from the contract", "[cli][ops]") {
  auto r = run_avflow({"ops", "batch"});
  CHECK(r.exit_code == 0);
  CHECK(r.out.find("in <tensor>") != std::string::npos);
  CHECK(r.out.find("out <tensor>") != std::string::npos);
  CHECK(r.out.find("size") != std::string::npos);
  CHECK(r.out.find("type int, default 8, range [0, 1048576]") != std::string::npos);
  CHECK(r.out.find("drop_last") != std::string::npos);
}

TEST_CASE("avflow ops suggests a name for a typo and exits 2", "[cli][ops]") {
  auto r = run_avflow({"ops", "bacth"});
  CHECK(r.exit_code == 2);
  CHECK(r.err.find("did you mean 'batch'?") != std::string::npos);
}

TEST_CASE("avflow ops --markdown documents every operator", "[cli][ops]") {
  auto r = run_avflow({"ops", "--markdown"});
  CHECK(r.exit_code == 0);
  CHECK(r.out.find("## tone") != std::string::npos);
  CHECK(r.out.find("| `sample_rate` | int | `48000` |") != std::string::npos);
}

TEST_CASE("avflow dot draws the wired graph", "[cli][dot]") {
  auto r = run_avflow({"dot", std::string(AVFLOW_SOURCE_DIR) + "/graphs/demo.toml"});
  CHECK(r.exit_code == 0);
  CHECK(r.out.rfind("digraph \"demo\"", 0) == 0);
  CHECK(r.out.find("\"decode\" -> \"augment\" [label=\"video -> in\\n<tensor>\"]") != std::string::npos);
}

TEST_CASE("docs/operators.md is what the declarations say (run scripts/gen-docs.sh)", "[cli][ops][docs]") {
  auto r = run_avflow({"ops", "--markdown"});
  REQUIRE(r.exit_code == 0);
  std::ifstream in(std::string(AVFLOW_SOURCE_DIR) + "/docs/operators.md");
  std::stringstream committed;
  committed << in.rdbuf();
  CHECK(committed.str() == r.out);
}
