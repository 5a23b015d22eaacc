// What an exported encoder needs beside its weights: its sizes. The
// pretraining export writes DIR/encoder_options.txt next to
// video_encoder.pt and audio_encoder.pt, so the evaluation graphs build the
// same architecture before loading the weights:
//
//   video_width 64
//   video_blocks 2 2 2 2
//   audio_width 64
//   audio_blocks 2 2 2 2
#pragma once

#include <filesystem>
#include <optional>

#include "libs/model/encoder_options.h"

namespace avflow::model {

inline constexpr const char* kEncoderOptionsFile = "encoder_options.txt";

struct ExportedEncoderOptions {
  EncoderOptions video, audio;
};

void write_encoder_options(const std::filesystem::path& dir, const ExportedEncoderOptions& options);

// Empty when the folder has no encoder_options.txt; throws
// std::runtime_error naming the file and line of a malformed one.
std::optional<ExportedEncoderOptions> read_encoder_options(const std::filesystem::path& dir);

}  // namespace avflow::model
