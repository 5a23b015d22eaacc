#include "libs/media/snippetizer.h"

#include <ATen/ATen.h>

#include <cmath>
#include <vector>

namespace avflow::media {

Snippetizer::Snippetizer(MediaDecoder& decoder, const DecodeSettings& settings, int64_t frames_per_snippet,
                         std::string title, std::string show)
    : decoder_(decoder), settings_(settings), frames_(frames_per_snippet), title_(std::move(title)),
      show_(std::move(show)) {
  first_index_ = static_cast<int64_t>(std::floor(settings_.start_s * settings_.fps / static_cast<double>(frames_) + 1e-9));
}

int64_t Snippetizer::sample_at(int64_t m) const {
  return std::llround(static_cast<double>(m * frames_) * static_cast<double>(settings_.sample_rate) / settings_.fps);
}

std::optional<Snippet> Snippetizer::next() {
  if (done_) return std::nullopt;
  const int64_t m = next_index_;
  Snippet s;
  s.title = title_;
  s.show = show_;
  s.index = first_index_ + m;
  s.start_s = settings_.start_s + static_cast<double>(m * frames_) / settings_.fps;
  s.end_s = settings_.start_s + static_cast<double>((m + 1) * frames_) / settings_.fps;
  if (decoder_.has_video()) {
    std::vector<at::Tensor> frames;
    frames.reserve(static_cast<size_t>(frames_));
    for (int64_t i = 0; i < frames_; ++i) {
      auto f = decoder_.next_frame();
      if (!f) break;
      frames.push_back(std::move(*f));
    }
    if (static_cast<int64_t>(frames.size()) < frames_) {
      done_ = true;
      return std::nullopt;
    }
    s.video = Tensor(at::stack(frames));
  }
  if (decoder_.has_audio()) {
    const int64_t want = sample_at(m + 1) - sample_at(m);
    at::Tensor pcm = decoder_.read_audio(want);  // [samples, channels]
    if (pcm.size(0) < want) {
      done_ = true;
      return std::nullopt;
    }
    s.audio = Tensor(pcm.size(1) == 1 ? pcm.select(1, 0).contiguous() : pcm.t().contiguous());
  }
  ++next_index_;
  return s;
}

}  // namespace avflow::media
