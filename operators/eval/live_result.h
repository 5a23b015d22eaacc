// LiveResult payload: what live_classify made of one live snippet, for sinks
// such as result_stream.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "engine/payload.h"

namespace avflow::ops {

struct LiveResult {
  int64_t index = 0;      // the snippet's index in the stream
  double start_s = 0.0;   // its stream time span, seconds
  double end_s = 0.0;
  int64_t reconnects = 0; // reconnections to the stream before it
  std::vector<std::string> classes;  // top classes, best first (empty without a classifier)
  std::vector<double> scores;        // their softmax scores
  std::vector<float> embedding;      // pooled encoder features, when asked for
  double latency_ms = 0.0;           // from the arrival of its last frame to the result
};

inline std::string describe(const LiveResult& r) {
  return "live result #" + std::to_string(r.index) + " [" + std::to_string(r.start_s) + " s, " +
         std::to_string(r.end_s) + " s)";
}

}  // namespace avflow::ops

AVFLOW_PAYLOAD(avflow::ops::LiveResult, "live_result",
               "one live snippet's top classes and scores or embedding, time span and latency")
