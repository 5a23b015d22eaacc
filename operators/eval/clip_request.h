// ClipRequest payload: "read a clip of this labelled file", what the
// labelled_clips source asks clip_reader for. Training requests leave the
// position to the reader (a random clip); test requests name one view of
// multi-view testing (libs/eval/multi_view.h).
#pragma once

#include <cstdint>
#include <string>

#include "engine/payload.h"

namespace avflow::ops {

struct ClipRequest {
  std::string path;   // the video or audio file
  int64_t label = 0;  // its class
  std::string class_name;  // the class's name, for reports
  int64_t epoch = 0;
  // Multi-view testing: view `view` of `clips` x `crops` (crop-minor);
  // view = -1: a training clip at a random position, no fixed crop.
  int view = -1;
  int clips = 1, crops = 1;
  // Retrieval: a test file (a query) rather than a training file (the gallery).
  bool query = false;
};

inline std::string describe(const ClipRequest& r) {
  return "clip of " + r.path + " (class " + std::to_string(r.label) +
         (r.view >= 0 ? ", view " + std::to_string(r.view) : std::string(", random position")) + ")";
}

}  // namespace avflow::ops

AVFLOW_PAYLOAD(avflow::ops::ClipRequest, "clip_request", "a labelled file and which clip of it to read")
