// LiveSnippet payload: where a snippet cut from a live stream (live_snippets)
// lies in the stream and when it became complete, so that results downstream
// can be ordered and their latency measured. It carries the snippet's frames
// and audio; live_frames hands them on as tensors (same item number).
#pragma once

#include <cstdint>
#include <string>

#include "engine/payload.h"
#include "engine/payloads/tensor.h"

namespace avflow::media {

struct LiveSnippet {
  std::string uri;         // the stream
  int64_t index = 0;       // snippets cut so far, from 0, across reconnects
  double start_s = 0.0;    // stream time span in seconds; keeps increasing across reconnects
  double end_s = 0.0;
  int64_t arrival_ns = 0;  // steady-clock time (ns since its epoch) when the last frame arrived
  int64_t reconnects = 0;  // reconnections to the stream before this snippet
  Tensor video;            // uint8 [T, H, W, 3]
  Tensor audio;            // float32 [samples], mono; undefined with audio off
};

inline std::string describe(const LiveSnippet& s) {
  return "live snippet #" + std::to_string(s.index) + " [" + std::to_string(s.start_s) + " s, " +
         std::to_string(s.end_s) + " s)";
}

}  // namespace avflow::media

AVFLOW_PAYLOAD(avflow::media::LiveSnippet, "live_snippet",
               "a live stream's snippet: stream time span, index, arrival time of its last frame, reconnects")
