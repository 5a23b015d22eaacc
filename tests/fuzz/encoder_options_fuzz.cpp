// Fuzz target: encoder_options.txt, the sizes an exported encoder is built
// with before its weights load (libs/model/encoder_export.h).
//
// Must hold: read_encoder_options returns options that pass their own
// check, or throws std::runtime_error naming the file and line (a malformed
// line) or std::invalid_argument (sizes no encoder can have).
#include <cstdint>
#include <cstdlib>
#include <stdexcept>
#include <string_view>

#include "libs/model/encoder_export.h"
#include "tests/fuzz/fuzz_files.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  static const avflow::fuzz::ScratchDir dir;
  dir.write(avflow::model::kEncoderOptionsFile, std::string_view(reinterpret_cast<const char*>(data), size));
  try {
    const auto options = avflow::model::read_encoder_options(dir.path());
    if (!options) std::abort();  // the file is there: it must be read
    options->video.check("video");
    options->audio.check("audio");
  } catch (const std::runtime_error&) {
  } catch (const std::invalid_argument&) {
  }
  return 0;
}
