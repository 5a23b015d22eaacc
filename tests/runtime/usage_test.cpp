#include <catch2/catch.hpp>

#include "tests/runtime/cli_fixture.h"

using namespace avflow::test;

TEST_CASE("avflow --version and --help exit 0", "[cli][usage]") {
  auto v = run_avflow({"--version"});
  CHECK(v.exit_code == 0);
  CHECK(v.out.rfind("avflow ", 0) == 0);
  auto h = run_avflow({"--help"});
  CHECK(h.exit_code == 0);
  CHECK(h.out.find("Exit codes:") != std::string::npos);
  for (const char* cmd : {"run", "check", "ops", "dot"}) {
    auto c = run_avflow({cmd, "--help"});
    CHECK(c.exit_code == 0);
    CHECK(c.out.find(std::string("avflow ") + cmd) != std::string::npos);
  }
}

TEST_CASE("unknown commands and options exit 2 with a suggestion", "[cli][usage]") {
  auto r = run_avflow({"rnu", "x.toml"});
  CHECK(r.exit_code == 2);
  CHECK(r.err.find("unknown command 'rnu' (did you mean 'run'?)") != std::string::npos);
  auto o = run_avflow({"run", "x.toml", "--metrcs"});
  CHECK(o.exit_code == 2);
  CHECK(o.err.find("did you mean '--metrics'?") != std::string::npos);
  auto m = run_avflow({"run"});
  CHECK(m.exit_code == 2);
  CHECK(m.err.find("needs a GRAPH file") != std::string::npos);
  auto l = run_avflow({"ops", "--log-level", "loud"});
  CHECK(l.exit_code == 2);
}
