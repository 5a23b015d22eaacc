// The warm-up + cosine learning-rate schedule.
#include <catch2/catch.hpp>

#include <stdexcept>
#include <string>

#include "libs/model/lr_schedule.h"

using avflow::model::LrSchedule;

namespace {

// The paper's shape: warm up from 1e-4 to 2e-3 over 100 steps, cosine to 0 by 1100.
LrSchedule paper() {
  LrSchedule s;
  s.warmup_from = 1e-4;
  s.peak = 2e-3;
  s.final_lr = 0.0;
  s.warmup_steps = 100;
  s.total_steps = 1100;
  return s;
}

void check_invalid(const LrSchedule& s, const std::string& field) {
  CHECK_THROWS_AS(s.check(), std::invalid_argument);
  CHECK_THROWS_WITH(s.check(), Catch::Contains(field));
  CHECK_THROWS_AS(s.at(0), std::invalid_argument);
}

}  // namespace

TEST_CASE("the schedule takes its set values at the chosen steps", "[model][lr]") {
  auto s = paper();
  CHECK(s.at(0) == 1e-4);
  CHECK(s.at(50) == Approx((1e-4 + 2e-3) / 2).epsilon(1e-12));
  CHECK(s.at(100) == 2e-3);
  CHECK(s.at(600) == Approx(1e-3).epsilon(1e-12));  // the cosine midpoint
  CHECK(s.at(1099) > 0);
  CHECK(s.at(1099) < 1e-8);
  CHECK(s.at(1100) == 0.0);
  CHECK(s.at(5000) == 0.0);

  s.final_lr = 1e-5;
  CHECK(s.at(100) == 2e-3);
  CHECK(s.at(600) == Approx((2e-3 + 1e-5) / 2).epsilon(1e-12));
  CHECK(s.at(1099) > 1e-5);
  CHECK(s.at(1099) == Approx(1e-5).margin(1e-8));
  CHECK(s.at(1100) == 1e-5);
  CHECK(s.at(1000000) == 1e-5);
}

TEST_CASE("the end of warm-up is exactly the peak for any final rate", "[model][lr]") {
  auto s = paper();
  for (const double final_lr : {0.0, 1e-5, 3e-4, 7.7e-4, 1.9e-3}) {
    s.final_lr = final_lr;
    CHECK(s.at(s.warmup_steps) == s.peak);
  }
}

TEST_CASE("the rate rises strictly in warm-up and falls strictly after it", "[model][lr]") {
  const auto s = paper();
  for (int64_t step = 1; step <= s.warmup_steps; ++step) REQUIRE(s.at(step) > s.at(step - 1));
  for (int64_t step = s.warmup_steps + 1; step <= s.total_steps; ++step) REQUIRE(s.at(step) < s.at(step - 1));
}

TEST_CASE("without warm-up the schedule starts at the peak", "[model][lr]") {
  auto s = paper();
  s.warmup_steps = 0;
  s.total_steps = 1000;
  CHECK(s.at(0) == 2e-3);
  CHECK(s.at(500) == Approx(1e-3).epsilon(1e-12));
  CHECK(s.at(1000) == 0.0);
  for (int64_t step = 1; step <= s.total_steps; ++step) REQUIRE(s.at(step) < s.at(step - 1));

  s.total_steps = 1;  // a single step: the peak, then the final rate
  CHECK(s.at(0) == 2e-3);
  CHECK(s.at(1) == 0.0);
}

TEST_CASE("a warm-up over all steps never reaches the cosine", "[model][lr]") {
  auto s = paper();
  s.warmup_steps = s.total_steps = 10;
  CHECK(s.at(0) == 1e-4);
  CHECK(s.at(9) == Approx(1e-4 + 0.9 * (2e-3 - 1e-4)).epsilon(1e-12));
  CHECK(s.at(10) == 0.0);
}

TEST_CASE("check names the field that is out of range", "[model][lr]") {
  CHECK_NOTHROW(paper().check());
  auto s = paper();
  s.total_steps = 0;
  check_invalid(s, "total_steps must be >= 1");
  s = paper();
  s.warmup_steps = -1;
  check_invalid(s, "warmup_steps");
  s = paper();
  s.warmup_steps = s.total_steps + 1;
  check_invalid(s, "warmup_steps");
  s = paper();
  s.warmup_from = -1e-4;
  check_invalid(s, "warmup_from");
  s = paper();
  s.peak = -2e-3;
  check_invalid(s, "peak");
  s = paper();
  s.final_lr = -1e-6;
  check_invalid(s, "final_lr");
  CHECK_THROWS_WITH(paper().at(-1), Catch::Contains("step must be >= 0"));
}
