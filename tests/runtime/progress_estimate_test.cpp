// estimate_progress: what the progress bar and /status say of a run.
#include <catch2/catch.hpp>

#include "runtime/progress_estimate.h"

using namespace avflow;

namespace {

NodeMetrics source(uint64_t emitted, int64_t in_flight, uint64_t expected) {
  NodeMetrics n;
  n.name = "src";
  n.shape = Shape::kSource;
  n.items_out = emitted;
  n.in_flight = in_flight;
  n.expected = expected;
  return n;
}

}  // namespace

TEST_CASE("progress counts items whose work is finished, not those still in flight", "[progress]") {
  MetricsSnapshot m;
  m.elapsed_seconds = 2;
  m.nodes = {source(10, 4, 10)};  // all emitted, four still being worked on
  const auto p = cli::estimate_progress(m);
  CHECK(p.done == 6);
  REQUIRE(p.fraction.has_value());
  CHECK(*p.fraction == Approx(0.6));
  CHECK(p.rate == Approx(3.0));
  REQUIRE(p.eta_seconds.has_value());
  CHECK(*p.eta_seconds == Approx(4.0 / 3.0));
  m.nodes = {source(10, 0, 10)};
  CHECK(*cli::estimate_progress(m).fraction == Approx(1.0));
}

TEST_CASE("a source of unknown length leaves the fraction and ETA unknown", "[progress]") {
  MetricsSnapshot m;
  m.elapsed_seconds = 1;
  NodeMetrics other;
  other.shape = Shape::kFunction;
  other.items_out = 100;  // not a source: not counted
  m.nodes = {source(5, 1, 10), source(7, 0, 0), other};
  const auto p = cli::estimate_progress(m);
  CHECK(p.done == 11);
  CHECK_FALSE(p.fraction.has_value());
  CHECK_FALSE(p.eta_seconds.has_value());
}
