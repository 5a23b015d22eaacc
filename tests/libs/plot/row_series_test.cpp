// Series from rows of named values: a key's points, and the band of its
// _lo and _hi columns where the rows have both.
#include <catch2/catch.hpp>
#include <cmath>

#include "libs/plot/row_series.h"

using namespace avflow::plot;

TEST_CASE("rows give a key's points and the band of its _lo and _hi columns", "[plot]") {
  Series s{"kl_gap", {}, {}};
  CHECK(add_row(s, "kl_gap", 0, {{"loss", 2.0}, {"kl_gap", 0.1}}));        // no bounds yet
  CHECK_FALSE(add_row(s, "kl_gap", 1, {{"loss", 1.9}}));                    // no point
  CHECK(add_row(s, "kl_gap", 2, {{"kl_gap_lo", 0.05}, {"kl_gap", 0.2}, {"kl_gap_hi", 0.3}}));
  CHECK(add_row(s, "kl_gap", 3, {{"kl_gap", 0.25}, {"kl_gap_lo", 0.1}}));  // one bound only: none
  CHECK(add_row(s, "kl_gap", 4, {{"kl_gap", 0.3}, {"kl_gap_hi", 0.4}, {"kl_gap_lo", 0.2}, {"kl_gap_low", 9.0}}));
  CHECK(s.x == std::vector<double>{0, 2, 3, 4});
  CHECK(s.y == std::vector<double>{0.1, 0.2, 0.25, 0.3});
  REQUIRE(s.lo.size() == 4);
  REQUIRE(s.hi.size() == 4);
  CHECK(std::isnan(s.lo[0]));
  CHECK(s.lo[1] == 0.05);
  CHECK(s.hi[1] == 0.3);
  CHECK(std::isnan(s.lo[2]));
  CHECK(std::isnan(s.hi[2]));
  CHECK(s.lo[3] == 0.2);
  CHECK(s.hi[3] == 0.4);
}

TEST_CASE("rows without bounds leave a series without a band", "[plot]") {
  Series s{"loss", {}, {}};
  for (int step = 0; step < 3; ++step) add_row(s, "loss", step, {{"loss", 1.0 / (step + 1)}, {"lr", 1e-3}});
  CHECK(s.y.size() == 3);
  CHECK(s.lo.empty());
  CHECK(s.hi.empty());
}
