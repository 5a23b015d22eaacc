// decode: the direct mode. A source that decodes titles with GStreamer (a
// file path, or any URI uridecodebin takes: file://, http://, rtsp://) and
// cuts each into snippets of `frames` frames with their exact audio, one
// snippet per item, so the graph's in-flight bound keeps memory bounded on a
// two-hour title. Titles come from `uri` (one title) or `catalogue` (a
// manifest or folder, all titles or one side of the split), one after another.
//
//   [[node]]
//   name = "decode"
//   op = "decode"
//   uri = "movies/heat.mkv"       # or: catalogue = "data/" and split = "train"
//   fps = 5.0             # frames resampled to this rate
//   short_side = 190      # frames scaled so the shorter side is this
//   sample_rate = 48000   # audio resampled to this rate, float PCM
//   channels = 1          # 1 mono (downmixed) or 2 stereo
//   frames = 16           # T: 16 frames at 5 fps = 3.2 s per snippet
//   start = 0.0           # seek here first (random access), seconds
//   duration = 0.0        # decode this long, 0 = to the end
//   on_error = "skip"     # a title that does not decode: passed over, not fatal
//   max_errors = 0.01     # more than 1% such titles fails the run
//
// Outputs: `snippet` (title, show, index m, time span, video, audio), and the
// same snippet's `video` (uint8 [T, H, W, 3]) and `audio` (float [samples],
// or [2, samples]) as tensors for tensor operators. A bad title -- one that
// cannot be opened or decoded, lacks a track the graph asks for, or breaks
// part way (its snippets so far stay emitted) -- fails the run naming it
// (on_error = fail, the default), or under on_error = skip is logged once,
// counted in the node's metrics and the run's summary, and passed over,
// until more than max_errors titles were bad.
#include <ATen/ATen.h>

#include <cmath>
#include <filesystem>
#include <memory>
#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

#include "engine/error_budget.h"
#include "engine/log.h"
#include "engine/operator.h"
#include "engine/payloads/tensor.h"
#include "engine/registry.h"
#include "operators/media/decode_params.h"
#include "libs/media/media_decoder.h"
#include "libs/media/snippetizer.h"
#include "libs/media/title_selection.h"

namespace avflow::ops {

using namespace avflow::media;

class Decode final : public Operator {
 public:
  static inline const Out<Snippet> kSnippet{"snippet", "one snippet: title, show, m, time span, video, audio"};
  static inline const Out<Tensor> kVideo{"video", "the snippet's frames, uint8 [T, H, W, 3]"};
  static inline const Out<Tensor> kAudio{"audio", "the snippet's audio, float32 [samples] or [2, samples]"};
  static inline const Param<std::string> kUri{"uri", "", "file path or URI of one title (or set catalogue)"};
  static inline const Param<std::string> kTitle{"title", "", "with uri: title id; empty: the file name without extension"};
  static inline const Param<std::string> kShow{"show", "", "with uri: show id of an episode; empty for a movie"};
  static inline const Param<std::string> kCatalogue = catalogue_param(/*required=*/false);
  static inline const Param<std::string> kSplit = split_param();
  static inline const Param<int64_t> kSeed = split_seed_param();
  static inline const Param<double> kHeldOutFraction = held_out_fraction_param();
  static inline const DecodeParams kDecode;
  static inline const Param<double> kStart{"start", 0.0, Range{0.0, 1e7}, "seek to this time first, in seconds"};
  static inline const Param<double> kDuration{"duration", 0.0, Range{0.0, 1e7}, "seconds to decode from start; 0: to the end"};
  static inline const TrackSwitches kTracks;
  static inline const ErrorPolicyParams kOnError{
      {OnError::kFail, 0.01,
       "a title that does not decode (unreadable, a track missing, broken part way): fail the run naming it, "
       "or skip (logged, counted, the next title goes on)",
       "with skip: bad titles allowed before the run fails; >= 1 a count, below 1 a fraction of the titles opened"}};
  AVFLOW_CONTRACT(kSnippet, kVideo, kAudio, kUri, kTitle, kShow, kCatalogue, kSplit, kSeed, kHeldOutFraction, kDecode,
                  kStart, kDuration, kTracks, kOnError, exactly_one_of(kUri, kCatalogue));

  void open(Context& ctx) override {
    budget_.configure(ctx, kOnError);
    settings_ = kDecode.settings(ctx);
    settings_.start_s = ctx.param(kStart);
    settings_.video = ctx.param(kTracks.video);
    settings_.audio = ctx.param(kTracks.audio);
    const double duration = ctx.param(kDuration);
    if (duration > 0)
      max_snippets_ = static_cast<int64_t>(std::floor(duration * settings_.fps / static_cast<double>(ctx.param(kDecode.frames)) + 1e-9));
    frames_ = ctx.param(kDecode.frames);
    const std::string uri = ctx.param(kUri), catalogue = ctx.param(kCatalogue);
    if (!catalogue.empty()) {
      titles_ = select_titles({catalogue, ctx.param(kSplit), static_cast<uint64_t>(ctx.param(kSeed)),
                               ctx.param(kHeldOutFraction), {}, 0},
                              ctx.node());
    } else {
      Title t;
      t.id = ctx.param(kTitle).empty() ? std::filesystem::path(uri).stem().string() : ctx.param(kTitle);
      t.show = ctx.param(kShow);
      t.uri = uri;
      titles_.push_back(std::move(t));
    }
  }

  void process(Context& ctx) override {
    for (;;) {
      if (!snippetizer_ && !open_next_title(ctx)) {
        AVFLOW_LOG(info) << ctx.node() << ": " << decoded_ << " title(s) decoded, " << skipped_ << " skipped";
        return ctx.end_of_stream();
      }
      if (std::optional<Snippet> s = next_snippet(ctx)) {
        if (s->video.defined()) ctx.emit(kVideo, s->video);
        if (s->audio.defined()) ctx.emit(kAudio, s->audio);
        ctx.emit(kSnippet, std::move(*s));
        return;
      }
    }
  }

 private:
  // Opens the next title that decodes; false when none is left.
  bool open_next_title(Context& ctx) {
    while (next_title_ < titles_.size()) {
      const Title& t = titles_[next_title_++];
      budget_.count_item();
      try {
        decoder_ = std::make_unique<MediaDecoder>(t.uri, settings_);
        if (settings_.video && !decoder_->has_video()) {
          bad_title(ctx, t, "has no video track");
          continue;
        }
        if (settings_.audio && !decoder_->has_audio()) {
          bad_title(ctx, t, "has no audio track");
          continue;
        }
        snippetizer_ = std::make_unique<Snippetizer>(*decoder_, settings_, frames_, t.id, t.show);
        return true;
      } catch (const std::exception& e) {
        bad_title(ctx, t, e.what());
      }
    }
    return false;
  }

  // The current title's next snippet; empty when it ended (or broke).
  std::optional<Snippet> next_snippet(Context& ctx) {
    const Title& t = titles_[next_title_ - 1];
    std::optional<Snippet> s;
    if (max_snippets_ < 0 || snippetizer_->emitted() < max_snippets_) {
      try {
        s = snippetizer_->next();
      } catch (const std::exception& e) {
        bad_title(ctx, t, "decoding failed after " + std::to_string(snippetizer_->emitted()) + " snippets: " + e.what());
        return std::nullopt;
      }
    }
    if (!s) {
      AVFLOW_LOG(info) << "title '" << t.id << "': " << snippetizer_->emitted() << " snippets";
      ++decoded_;
      snippetizer_.reset();
      decoder_.reset();
    }
    return s;
  }

  // A bad title fails the run (on_error = fail), or is logged, counted and
  // passed over within the error budget.
  void bad_title(Context& ctx, const Title& t, const std::string& reason) {
    snippetizer_.reset();
    decoder_.reset();
    if (!budget_.skips())
      throw std::runtime_error("title '" + t.id + "' (" + t.uri + "): " + reason +
                               " (on_error = \"skip\" passes bad titles over)");
    ++skipped_;
    budget_.bad(ctx, "title '" + t.id + "'", reason);
  }

  DecodeSettings settings_;
  std::vector<Title> titles_;
  size_t next_title_ = 0;
  int64_t frames_ = 16;
  int64_t max_snippets_ = -1;
  int64_t decoded_ = 0, skipped_ = 0;
  std::unique_ptr<MediaDecoder> decoder_;
  std::unique_ptr<Snippetizer> snippetizer_;
  ErrorBudget budget_;
};

AVFLOW_REGISTER(Decode, "decode", "GStreamer decode of a title into snippets of T frames with their exact audio");

}  // namespace avflow::ops
