// SnippetRequest payload: "give me snippet m of title t", what a sampler
// asks a shard reader for.
#pragma once

#include <cstdint>
#include <string>

#include "engine/payload.h"

namespace avflow::media {

struct SnippetRequest {
  std::string title;  // title id
  int64_t index = 0;  // m
  // Consecutive snippets m .. m + span - 1 served as one (a clip at playback
  // speed `span` for temporal self-supervision); 1 otherwise.
  int64_t span = 1;
  // Where a sampler put it: its epoch, step and place in the step's batch
  // (this rank's share). Zero for requests made otherwise.
  int64_t epoch = 0, step = 0, slot = 0;
};

inline std::string describe(const SnippetRequest& r) {
  return "request " + r.title + "#" + std::to_string(r.index) +
         (r.span > 1 ? " span " + std::to_string(r.span) : std::string()) + " (epoch " + std::to_string(r.epoch) + " step " +
         std::to_string(r.step) + " slot " + std::to_string(r.slot) + ")";
}

}  // namespace avflow::media

AVFLOW_PAYLOAD(avflow::media::SnippetRequest, "snippet_request", "a (title, m) request for one snippet")
