// The learning-rate schedule's parameters, shared by train_step and
// finetune_step as one group (linear warm-up from lr_start to lr_peak, then a
// cosine to lr_final); each operator states its own defaults.
#pragma once

#include <cstdint>
#include <string>

#include "engine/context.h"
#include "engine/contract.h"
#include "engine/params.h"

namespace avflow::ops {

struct ScheduleDefaults {
  int64_t epochs = 10;
  double warmup_epochs = 1.0;
  double lr_start = 1e-4;
  double lr_peak = 2e-3;
  double lr_final = 0.0;
  const char* epochs_doc = "epochs of the cosine schedule";
  int64_t min_epochs = 1;  // 0 where 0 means "as many as a node upstream says"
};

struct ScheduleParams {
  ScheduleParams() : ScheduleParams(ScheduleDefaults{}) {}
  explicit ScheduleParams(ScheduleDefaults d)
      : epochs{"epochs", d.epochs, Range{static_cast<double>(d.min_epochs), 100000.0}, d.epochs_doc},
        warmup_epochs{"warmup_epochs", d.warmup_epochs, Range{0.0, 100000.0}, "epochs of linear warm-up"},
        lr_start{"lr_start", d.lr_start, Range{0.0, 10.0}, "learning rate at the first step"},
        lr_peak{"lr_peak", d.lr_peak, Range{0.0, 10.0}, "learning rate at the end of warm-up"},
        lr_final{"lr_final", d.lr_final, Range{0.0, 10.0}, "learning rate at the end of the cosine"} {}

  Param<int64_t> epochs;
  Param<double> warmup_epochs;
  Param<double> lr_start;
  Param<double> lr_peak;
  Param<double> lr_final;

  ParamGroup group() const {
    const std::string e = epochs.name(), w = warmup_epochs.name();
    return {{epochs.spec, warmup_epochs.spec, lr_start.spec, lr_peak.spec, lr_final.spec},
            {rule("warmup_epochs <= epochs", [e, w](const ParamSet& p) -> std::optional<ParamProblem> {
              const int64_t n = std::get<int64_t>(p.raw(e));
              const double warmup = std::get<double>(p.raw(w));
              if (n == 0 || warmup <= static_cast<double>(n)) return std::nullopt;  // 0: known only in open()
              return ParamProblem{w, "(" + format_value(ParamValue(warmup)) + ") is longer than the " +
                                         std::to_string(n) + " epochs"};
            })}};
  }
};

}  // namespace avflow::ops
