// avflow run with its standard output in a file (a batch job's log): a
// progress line every --progress-every seconds with the items, the rate,
// the ETA and the latest step and scalars; none on request.
#include <catch2/catch.hpp>
#include <string>

#include "tests/runtime/cli_fixture.h"

using namespace avflow::test;

namespace {

// 30 items at 50 ms each through a throttle: about 1.5 s, a known total,
// and scalars (tensor_stats' rows) to report.
const char* kSlowGraph = R"([graph]
name = "slow"
[[node]]
name = "tone"
op = "tone"
count = 30
duration = 0.01
[[node]]
name = "slow"
op = "throttle"
delay_ms = 50.0
[[node]]
name = "stats"
op = "tensor_stats"
[[node]]
name = "sink"
op = "count"
[[edge]]
from = "tone"
to = "slow.in"
[[edge]]
from = "slow.out"
to = "stats.in"
[[edge]]
from = "stats.out"
to = "sink.in"
)";

}  // namespace

TEST_CASE("avflow run prints progress lines on a standard output that is not a terminal", "[cli][progress]") {
  TempDir dir;
  const std::string g = dir.write("slow.toml", kSlowGraph);
  const auto r = run_avflow({"run", g, "--progress-every", "0.3"});
  INFO(r.out << r.err);
  REQUIRE(r.exit_code == 0);
  CHECK(count_of(r.out, "progress: ") >= 2);
  CHECK(r.out.find("/30 items (") != std::string::npos);
  CHECK(r.out.find("ETA ") != std::string::npos);
  CHECK(r.out.find("stats: mean ") != std::string::npos);
  CHECK(r.out.find("progress: step ") != std::string::npos);

  const auto quiet = run_avflow({"run", g, "--progress-every", "0"});
  CHECK(quiet.exit_code == 0);
  CHECK(quiet.out.find("progress: ") == std::string::npos);
  const auto never = run_avflow({"run", g, "--progress-every", "0.3", "--progress", "never"});
  CHECK(never.out.find("progress: ") == std::string::npos);
  const auto bad = run_avflow({"run", g, "--progress-every", "soon"});
  CHECK(bad.exit_code == 2);
  CHECK(bad.err.find("--progress-every must be a number") != std::string::npos);
}
