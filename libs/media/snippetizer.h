// Snippetizer: cuts a decoded title into non-overlapping snippets of T frames
// with exactly the audio they span, in time order.
//
// Snippet m covers [m T / fps, (m + 1) T / fps). Its audio is samples
// round(m T rate / fps) up to round((m + 1) T rate / fps), so snippets tile
// the audio without drift even where T rate / fps is not whole (16 frames at
// 5 fps and 48 kHz: 153600 samples each). A last snippet without all of its
// frames or samples is dropped. When decoding starts at `start_s` (a window
// of the title), indices count from floor(start_s fps / T), so with a start
// on the snippet grid (a multiple of T / fps) they match a decode from 0.
#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include "libs/media/media_decoder.h"
#include "libs/media/snippet.h"

namespace avflow::media {

class Snippetizer {
 public:
  // `decoder` must outlive the snippetizer; settings as it was opened with.
  Snippetizer(MediaDecoder& decoder, const DecodeSettings& settings, int64_t frames_per_snippet,
              std::string title, std::string show);

  // The next whole snippet, or empty at the end of the title.
  std::optional<Snippet> next();

  int64_t emitted() const { return next_index_; }

 private:
  int64_t sample_at(int64_t m) const;  // first audio sample of snippet m

  MediaDecoder& decoder_;
  DecodeSettings settings_;
  int64_t frames_;
  std::string title_, show_;
  int64_t first_index_ = 0;
  int64_t next_index_ = 0;  // snippets emitted so far
  bool done_ = false;
};

}  // namespace avflow::media
