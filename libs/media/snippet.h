// Snippet payload: T frames of one title with exactly the audio they span.
#pragma once

#include <cstdint>
#include <string>

#include "engine/payload.h"
#include "engine/payloads/tensor.h"

namespace avflow::media {

struct Snippet {
  std::string title;     // title id
  std::string show;      // show id; empty for a movie
  int64_t index = 0;     // m: position in the title, 0-based, in time order
  int64_t span = 1;      // consecutive snippets m .. m + span - 1 joined in time (shard_reader)
  double start_s = 0.0;  // time span in the title, seconds
  double end_s = 0.0;
  Tensor video;          // uint8 [T, H, W, 3]
  Tensor audio;          // float32 [samples] (mono) or [channels, samples]
};

inline std::string describe(const Snippet& s) {
  return "snippet " + s.title + "#" + std::to_string(s.index) +
         (s.span > 1 ? " span " + std::to_string(s.span) : std::string()) + " [" + std::to_string(s.start_s) + " s, " +
         std::to_string(s.end_s) + " s)";
}

}  // namespace avflow::media

AVFLOW_PAYLOAD(avflow::media::Snippet, "snippet",
               "T frames of a title with their audio: title, show, index m, time span, video, audio")
