// Axis ticks of the line charts: round values spanning the data, and short
// labels (e notation for small learning rates).
#include <catch2/catch.hpp>

#include "libs/plot/line_chart.h"

using namespace avflow;

namespace {
void check_values(const std::vector<double>& got, const std::vector<double>& want) {
  REQUIRE(got.size() == want.size());
  for (size_t i = 0; i < got.size(); ++i) CHECK(got[i] == Approx(want[i]).margin(1e-12));
}
}  // namespace

TEST_CASE("nice ticks are steps of 1, 2 or 5 times a power of ten spanning the range", "[plot]") {
  check_values(plot::nice_ticks(0.0, 0.0021, 5), {0, 5e-4, 1e-3, 1.5e-3, 2e-3, 2.5e-3});
  check_values(plot::nice_ticks(1, 128, 5), {0, 50, 100, 150});
  check_values(plot::nice_ticks(-3.2, 7.7, 6), {-4, -2, 0, 2, 4, 6, 8});
  check_values(plot::nice_ticks(2.0, 2.0, 3), {1.8, 2.0, 2.2});  // one value: a range around it
  CHECK(plot::nice_ticks(0.0, std::numeric_limits<double>::quiet_NaN(), 5).empty());
}

TEST_CASE("log ticks are decades, with 2 and 5 times them over a short range", "[plot]") {
  check_values(plot::log_ticks(1e-5, 2e-3), {1e-5, 1e-4, 1e-3});
  check_values(plot::log_ticks(0.3, 4.0), {0.5, 1, 2});
  CHECK(plot::log_ticks(0.0, 1.0).empty());
}

TEST_CASE("tick labels are compact with one style per axis", "[plot]") {
  using V = std::vector<std::string>;
  CHECK(plot::tick_labels({0, 5e-4, 1e-3, 1.5e-3, 2e-3}, 5e-4) == V{"0", "5e-4", "1e-3", "1.5e-3", "2e-3"});
  CHECK(plot::tick_labels({0.001, 0.002, 0.003}, 0.001) == V{"0.001", "0.002", "0.003"});
  CHECK(plot::tick_labels({0, 50, 100, 150}, 50) == V{"0", "50", "100", "150"});
  CHECK(plot::tick_labels({-0.5, 0, 0.5, 1}, 0.5) == V{"-0.5", "0", "0.5", "1"});
  CHECK(plot::tick_labels({1.0002, 1.0004}, 2e-4) == V{"1.0002", "1.0004"});
  CHECK(plot::tick_labels({0, 1e5, 2e5}, 1e5) == V{"0", "1e5", "2e5"});
  CHECK(plot::tick_labels(plot::log_ticks(1e-5, 2e-3), 0) == V{"1e-5", "1e-4", "1e-3"});
}
