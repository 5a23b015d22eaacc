// decode: the direct mode. A source that decodes a title with GStreamer
// (a file path, or any URI uridecodebin takes: file://, http://, rtsp://)
// and cuts it into snippets of `frames` frames with their exact audio, one
// snippet per item, so the graph's in-flight bound keeps memory bounded on a
// two-hour title.
//
//   [[node]]
//   name = "decode"
//   op = "decode"
//   uri = "movies/heat.mkv"
//   fps = 5.0             # frames resampled to this rate
//   short_side = 190      # frames scaled so the shorter side is this
//   sample_rate = 48000   # audio resampled to this rate, float PCM
//   channels = 1          # 1 mono (downmixed) or 2 stereo
//   frames = 16           # T: 16 frames at 5 fps = 3.2 s per snippet
//   start = 0.0           # seek here first (random access), seconds
//   duration = 0.0        # decode this long, 0 = to the end
//
// Outputs: `snippet` (title, show, index m, time span, video, audio), and the
// same snippet's `video` (uint8 [T, H, W, 3]) and `audio` (float [samples],
// or [2, samples]) as tensors for tensor operators. A title that cannot be
// decoded, or lacks a track the graph asks for, is skipped with its reason
// logged and counted; the run goes on.
#include <ATen/ATen.h>

#include <cmath>
#include <filesystem>
#include <memory>
#include <optional>

#include "engine/log.h"
#include "engine/operator.h"
#include "engine/payloads/tensor.h"
#include "engine/registry.h"
#include "operators/media/media_decoder.h"
#include "operators/media/snippetizer.h"

namespace avflow::media {

class Decode final : public Operator {
 public:
  static inline const Out<Snippet> kSnippet{"snippet", "one snippet: title, show, m, time span, video, audio"};
  static inline const Out<Tensor> kVideo{"video", "the snippet's frames, uint8 [T, H, W, 3]"};
  static inline const Out<Tensor> kAudio{"audio", "the snippet's audio, float32 [samples] or [2, samples]"};
  static inline const Param<std::string> kUri{"uri", kRequired, "file path or URI of the title"};
  static inline const Param<std::string> kTitle{"title", "", "title id; empty: the file name without extension"};
  static inline const Param<std::string> kShow{"show", "", "show id of an episode; empty for a movie"};
  static inline const Param<double> kFps{"fps", 5.0, Range{0.1, 240.0}, "output frame rate"};
  static inline const Param<int64_t> kShortSide{"short_side", 190, Range{0, 8192}, "shorter side of frames in pixels; 0 keeps the source size"};
  static inline const Param<int64_t> kRate{"sample_rate", 48000, Range{8000, 192000}, "output audio rate in Hz"};
  static inline const Param<int64_t> kChannels{"channels", 1, Range{1, 2}, "1: mono (downmixed), 2: stereo"};
  static inline const Param<int64_t> kFrames{"frames", 16, Range{1, 4096}, "frames per snippet (T)"};
  static inline const Param<double> kStart{"start", 0.0, Range{0.0, 1e7}, "seek to this time first, in seconds"};
  static inline const Param<double> kDuration{"duration", 0.0, Range{0.0, 1e7}, "seconds to decode from start; 0: to the end"};
  static inline const Param<bool> kWantVideo{"video", true, "decode the picture (a title without one is skipped)"};
  static inline const Param<bool> kWantAudio{"audio", true, "decode the sound (a title without it is skipped)"};
  static inline const Param<double> kTimeout{"timeout", 20.0, Range{0.1, 3600.0}, "seconds without data before a source counts as dead"};
  AVFLOW_CONTRACT(kSnippet, kVideo, kAudio, kUri, kTitle, kShow, kFps, kShortSide, kRate, kChannels, kFrames, kStart,
                  kDuration, kWantVideo, kWantAudio, kTimeout);

  void open(Context& ctx) override {
    settings_.fps = ctx.param(kFps);
    settings_.short_side = ctx.param(kShortSide);
    settings_.sample_rate = ctx.param(kRate);
    settings_.channels = static_cast<int>(ctx.param(kChannels));
    settings_.start_s = ctx.param(kStart);
    settings_.video = ctx.param(kWantVideo);
    settings_.audio = ctx.param(kWantAudio);
    settings_.timeout_s = ctx.param(kTimeout);
    if (!settings_.video && !settings_.audio) throw std::invalid_argument("video and audio are both off: nothing to decode");
    const double duration = ctx.param(kDuration);
    if (duration > 0)
      max_snippets_ = static_cast<int64_t>(std::floor(duration * settings_.fps / static_cast<double>(ctx.param(kFrames)) + 1e-9));
    uri_ = ctx.param(kUri);
    title_ = ctx.param(kTitle).empty() ? std::filesystem::path(uri_).stem().string() : ctx.param(kTitle);
    open_title(ctx);
  }

  void process(Context& ctx) override {
    std::optional<Snippet> s;
    if (snippetizer_ && (max_snippets_ < 0 || snippetizer_->emitted() < max_snippets_)) {
      try {
        s = snippetizer_->next();
      } catch (const std::exception& e) {
        skip(std::string("decoding failed after ") + std::to_string(snippetizer_->emitted()) + " snippets: " + e.what());
      }
    }
    if (!s) return finish_title(ctx);
    if (s->video.defined()) ctx.emit(kVideo, s->video);
    if (s->audio.defined()) ctx.emit(kAudio, s->audio);
    ctx.emit(kSnippet, std::move(*s));
  }

 private:
  void open_title(Context& ctx) {
    try {
      decoder_ = std::make_unique<MediaDecoder>(uri_, settings_);
      if (settings_.video && !decoder_->has_video()) return skip("has no video track");
      if (settings_.audio && !decoder_->has_audio()) return skip("has no audio track");
      snippetizer_ = std::make_unique<Snippetizer>(*decoder_, settings_, ctx.param(kFrames), title_, ctx.param(kShow));
    } catch (const std::exception& e) {
      skip(e.what());
    }
  }

  // A bad title is logged, counted and passed over; the run goes on.
  void skip(const std::string& reason) {
    ++skipped_;
    AVFLOW_LOG(warn) << "title '" << title_ << "' skipped: " << reason;
    snippetizer_.reset();
    decoder_.reset();
  }

  void finish_title(Context& ctx) {
    if (snippetizer_) {
      AVFLOW_LOG(info) << ctx.node() << ": title '" << title_ << "': " << snippetizer_->emitted() << " snippets";
      ++decoded_;
    }
    AVFLOW_LOG(info) << ctx.node() << ": " << decoded_ << " title(s) decoded, " << skipped_ << " skipped";
    snippetizer_.reset();
    decoder_.reset();
    ctx.end_of_stream();
  }

  DecodeSettings settings_;
  std::string uri_, title_;
  int64_t max_snippets_ = -1;
  int64_t decoded_ = 0, skipped_ = 0;
  std::unique_ptr<MediaDecoder> decoder_;
  std::unique_ptr<Snippetizer> snippetizer_;
};

AVFLOW_REGISTER(Decode, "decode", "GStreamer decode of a title into snippets of T frames with their exact audio");

}  // namespace avflow::media
