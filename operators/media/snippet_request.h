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
};

inline std::string describe(const SnippetRequest& r) { return "request " + r.title + "#" + std::to_string(r.index); }

}  // namespace avflow::media

AVFLOW_PAYLOAD(avflow::media::SnippetRequest, "snippet_request", "a (title, m) request for one snippet")
