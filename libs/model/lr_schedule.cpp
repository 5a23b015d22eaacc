#include "libs/model/lr_schedule.h"

#include <algorithm>
#include <cmath>
#include <stdexcept>
#include <string>

namespace avflow::model {
namespace {

constexpr double kPi = 3.14159265358979323846;

void check_rate(const char* field, double value) {
  if (!std::isfinite(value) || value < 0)
    throw std::invalid_argument(std::string("LrSchedule: ") + field + " must be a finite rate >= 0, got " +
                                std::to_string(value));
}

}  // namespace

void LrSchedule::check() const {
  if (total_steps < 1)
    throw std::invalid_argument("LrSchedule: total_steps must be >= 1, got " + std::to_string(total_steps));
  if (warmup_steps < 0 || warmup_steps > total_steps)
    throw std::invalid_argument("LrSchedule: warmup_steps must be in [0, total_steps = " +
                                std::to_string(total_steps) + "], got " + std::to_string(warmup_steps));
  check_rate("warmup_from", warmup_from);
  check_rate("peak", peak);
  check_rate("final_lr", final_lr);
}

double LrSchedule::at(int64_t step) const {
  check();
  if (step < 0) throw std::invalid_argument("LrSchedule: step must be >= 0, got " + std::to_string(step));
  if (step >= total_steps) return final_lr;
  if (step < warmup_steps)
    return warmup_from + (peak - warmup_from) * static_cast<double>(step) / static_cast<double>(warmup_steps);
  if (step == warmup_steps) return peak;  // exact, whatever the rounding of the cosine
  const double t = static_cast<double>(step - warmup_steps) /
                   static_cast<double>(std::max<int64_t>(1, total_steps - warmup_steps));
  return final_lr + 0.5 * (peak - final_lr) * (1.0 + std::cos(kPi * t));
}

}  // namespace avflow::model
