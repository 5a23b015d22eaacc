// ModelSnapshot payload: a copy of the audio-visual model's weights and
// batch-norm statistics at one training step, for observers of training (the
// KL monitor) that must not touch the model being trained.
//
// A copy, not a shared reference: an observer that runs the snapshot (in
// evaluation mode, without gradients) can never change a parameter, a
// running mean or the training/evaluation flag of the trainer's model, and
// training can go on while the observer works on the copy.
#pragma once

#include <cstdint>
#include <memory>
#include <string>

#include "engine/payload.h"
#include "libs/model/av_model.h"

namespace avflow::model {

struct ModelSnapshot {
  int64_t step = 0;    // optimiser steps taken when the copy was made
  double epoch = 0.0;  // step / steps per epoch
  AvModel model{nullptr};  // same options and device as the trained model
};

// A copy of `model` (parameters and buffers, on their device) at `step`.
// The copy is in evaluation mode and needs no gradients.
std::shared_ptr<const ModelSnapshot> snapshot_of(AvModel& model, int64_t step, double epoch);

inline std::string describe(const ModelSnapshot& s) { return "model snapshot at step " + std::to_string(s.step); }

}  // namespace avflow::model

AVFLOW_PAYLOAD(avflow::model::ModelSnapshot, "model_snapshot",
               "a copy of the audio-visual model (weights and batch-norm statistics) at a training step")
