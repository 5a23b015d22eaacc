// What a sampler draws from: the training titles, their show, their snippet
// count M_n and, where prepare detected them, their scene boundaries.
// Header-only: sampling-policy plugins use it without linking avflow.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace avflow::sampling {

struct TitleEntry {
  std::string id;
  std::string show;   // empty for a movie
  int64_t snippets = 0;  // M_n
  // First snippet of each scene after the first, increasing, in (0, M_n).
  // `has_scenes` false: prepare did not detect scenes for this title.
  std::vector<int64_t> scene_starts;
  bool has_scenes = false;
};

// A title asked for that prepare could not read, with the reason it
// recorded (libs/media/shard/shard_path.h, skipped_path).
struct SkippedTitle {
  std::string id;
  std::string reason;
};

struct SamplingIndex {
  std::vector<TitleEntry> titles;
  std::vector<SkippedTitle> skipped;  // not in `titles`; the sampler decides what that means

  int64_t total_snippets() const {
    int64_t n = 0;
    for (const auto& t : titles) n += t.snippets;
    return n;
  }
};

// What a policy picked: snippet m of a title (`title` indexes
// SamplingIndex::titles) or, for a clip-group policy, the `span`
// consecutive snippets m .. m + span - 1 read as one clip.
struct Pick {
  int32_t title = 0;
  int64_t m = 0;
  int64_t span = 1;
};

}  // namespace avflow::sampling
