// SnippetEmbedding payload: the pooled encoder features of one snippet with
// where it comes from, what embed emits and the npy sink writes.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "engine/payload.h"

namespace avflow::ops {

struct SnippetEmbedding {
  std::string title;     // title id
  std::string show;      // show id; empty for a movie
  int64_t index = 0;     // m, the snippet's position in its title
  double start_s = 0.0;  // its time span in the title, seconds
  double end_s = 0.0;
  std::vector<float> values;  // [d]
};

inline std::string describe(const SnippetEmbedding& e) {
  return "embedding of " + e.title + "#" + std::to_string(e.index) + " (" + std::to_string(e.values.size()) + " values)";
}

}  // namespace avflow::ops

AVFLOW_PAYLOAD(avflow::ops::SnippetEmbedding, "snippet_embedding",
               "a snippet's pooled encoder features [d] with its title, show, m and time span")
