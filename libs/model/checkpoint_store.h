// Saves and restores training: the model, Adam's state, the step and the
// random state, in the folder layout of checkpoint_position.h, keeping the
// newest `keep` checkpoints. Also exports the encoders f and g (without their
// heads) for the evaluation graphs.
#pragma once

#include <torch/optim/adam.h>

#include <filesystem>

#include "libs/model/av_model.h"
#include "libs/model/checkpoint_position.h"

namespace avflow::model {

class CheckpointStore {
 public:
  explicit CheckpointStore(std::filesystem::path dir, int keep = 3);

  // Writes DIR/step-<step> atomically and points `latest` at it; `extra`
  // lines go into state.txt beside step and the random state. Extra heads
  // (head_set.h), when given, go into model.pt under "heads"; without them
  // model.pt holds the model alone. Returns the folder.
  std::filesystem::path save(AvModel& model, torch::optim::Adam& optimizer, int64_t step,
                             const CheckpointState& extra = {}, torch::nn::Module* heads = nullptr);

  // Restores model and optimizer from the latest checkpoint (they must have
  // the same shapes: a mismatch names the checkpoint) and returns its state;
  // empty when the folder holds none.
  std::optional<CheckpointState> restore_latest(AvModel& model, torch::optim::Adam& optimizer,
                                               torch::nn::Module* heads = nullptr);

  // DIR/video_encoder.pt and DIR/audio_encoder.pt (f and g, no heads).
  void export_encoders(AvModel& model);

  const std::filesystem::path& dir() const { return dir_; }

 private:
  void prune();
  std::filesystem::path dir_;
  int keep_;
};

}  // namespace avflow::model
