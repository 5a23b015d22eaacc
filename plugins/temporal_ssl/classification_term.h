// What the pretext loss terms share: the clips' labels they read (train_step's
// labels input) and the accuracy they report.
#pragma once

#include <ATen/ATen.h>

#include <stdexcept>
#include <string>

#include "libs/model/loss_term.h"

namespace avflow::temporal {

// labels[kBatchLabels]; std::invalid_argument naming `term` when absent.
inline const at::Tensor& clip_labels(const model::LossInputs& in, const char* term) {
  const auto labels = in.labels.find(model::kBatchLabels);
  if (labels == in.labels.end())
    throw std::invalid_argument(std::string("loss term '") + term +
                                "' needs the clips' labels (train_step's labels input)");
  return labels->second;
}

// out["<term>_accuracy"]: the share of rows whose largest logit is the target.
inline void report_accuracy(const char* term, const at::Tensor& logits, const at::Tensor& target,
                            model::StepValues& out) {
  out[std::string(term) + "_accuracy"] = logits.detach().argmax(1).eq(target).to(at::kFloat).mean();
}

}  // namespace avflow::temporal
