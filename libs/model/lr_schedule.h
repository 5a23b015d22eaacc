// The learning-rate schedule: a linear warm-up from warmup_from to peak
// (the paper: one epoch), then a half cosine from peak down to final_lr.
//
//   s <  warmup_steps:  lr = warmup_from + (peak - warmup_from) * s / warmup_steps
//   s >= warmup_steps:  t = (s - warmup_steps) / max(1, total_steps - warmup_steps)
//                       lr = final_lr + 0.5 (peak - final_lr) (1 + cos(pi t))
//
// lr(warmup_steps) is exactly peak; the cosine reaches final_lr at step
// total_steps, so the last step (total_steps - 1) is just above it, and any
// step >= total_steps gives final_lr.
#pragma once

#include <cstdint>

namespace avflow::model {

struct LrSchedule {
  double warmup_from = 1e-4;  // lr at step 0
  double peak = 2e-3;         // lr at the end of warm-up
  double final_lr = 0.0;      // lr at the end of the cosine
  int64_t warmup_steps = 0;   // linear warm-up from warmup_from to peak over these steps; 0: start at peak
  int64_t total_steps = 0;    // all steps, warm-up included; the cosine runs over total - warmup

  // The lr for a 0-based step. Calls check(); throws std::invalid_argument
  // for a negative step.
  double at(int64_t step) const;

  // Throws std::invalid_argument naming the field: total_steps < 1,
  // warmup_steps < 0 or > total_steps, a negative or non-finite rate.
  void check() const;
};

}  // namespace avflow::model
