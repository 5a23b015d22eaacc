// The encoders f and g of a training run, read back from its checkpoint
// folder for `avflow export`. A folder is one of
//
//   the checkpoint folder of a finished run   video_encoder.pt, audio_encoder.pt,
//                                             encoder_options.txt (the exported encoders)
//   one checkpoint, DIR/step-N                model.pt (f and g inside it),
//                                             encoder_options.txt
//   a checkpoint folder without the exports   its latest checkpoint (an unfinished run)
#pragma once

#include <filesystem>
#include <string>

#include "libs/model/audio_encoder.h"
#include "libs/model/encoder_export.h"
#include "libs/model/video_encoder.h"

namespace avflow::model {

struct CheckpointEncoders {
  ExportedEncoderOptions options;
  VideoEncoder video{nullptr};
  AudioEncoder audio{nullptr};
  std::filesystem::path from;  // the file(s) read: a folder's exports, or a step's model.pt
};

// std::runtime_error naming the folder and what it lacks.
CheckpointEncoders load_checkpoint_encoders(const std::filesystem::path& folder);

}  // namespace avflow::model
