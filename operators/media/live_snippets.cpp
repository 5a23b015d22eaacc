// live_snippets: a source that reads a live stream (rtsp://, or http:// and
// udp:// where GStreamer's uridecodebin takes them; a file path for tests)
// and cuts sliding snippets as frames arrive: T frames at `fps`, a new one
// every `hop` frames, with the mono audio of the same span.
//
//   [[node]]
//   name = "source"
//   op = "live_snippets"
//   uri = "rtsp://camera.local:8554/stream"
//   frames = 16          # T: 16 frames at 5 fps = 3.2 s per snippet
//   fps = 5.0
//   hop = 8              # a snippet every 8 frames (1.6 s), overlapping by half
//   short_side = 128
//   audio = true
//   sample_rate = 48000
//   timeout = 5.0        # no data for this long: the stream dropped
//   retry_initial = 0.5  # reconnect back-off: 0.5 s, 1 s, 2 s, ... up to retry_max
//   retry_max = 8.0
//   jitter_buffer_ms = 200  # RTSP: the longest wait for a late or missing packet
//
// Output, one item per snippet: `snippet` (LiveSnippet: stream time span,
// index, the steady-clock time its last frame arrived (from a live source,
// when its packets reached the pipeline, so waiting for a lost packet, in
// the decoder and behind a lagging graph all count), reconnects so far,
// the frames uint8 [T, H, W, 3] and, with audio = true, the audio float
// [samples], mono, silence when the stream has no sound). live_frames hands
// the frames and audio on as tensors under the same item number, so that
// they can be prepared and joined again with the metadata:
//
//   [[edge]]  from = "source.snippet"  to = "frames.snippet"    # op = "live_frames"
//   [[edge]]  from = "frames.video"    to = "normalize.in"
//
// When the stream drops (an error, its end, or no data for `timeout` s) the
// drop is logged with the URI and the reason, and the source reconnects with
// exponential back-off; it never ends on a hiccup unless exit_on_end = true
// (files, tests: the end of the stream ends the run) or max_reconnects
// attempts failed (then the run fails, naming the URI). A graph slower than
// the stream does not make it queue: the decoder drops the oldest frames and
// their audio once it holds max(4 s, two snippets), and the window starts
// again after the jump, so snippets stay contiguous and current, their
// stream times honest, and memory bounded however long the run (logged once,
// and the skipped total at the end). Stream time keeps
// increasing across reconnects: a new connection starts where the last one
// stopped plus the time the stream was away. A cancelled run (Ctrl-C) stops
// it within a fraction of a second, also while it waits for data.
#include <ATen/ATen.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <deque>
#include <memory>
#include <optional>
#include <stdexcept>
#include <string>
#include <thread>

#include "engine/log.h"
#include "engine/operator.h"
#include "engine/registry.h"
#include "libs/media/live_snippet.h"
#include "libs/media/media_decoder.h"

namespace avflow::ops {

using namespace avflow::media;

class LiveSnippets final : public Operator {
 public:
  static inline const Out<LiveSnippet> kSnippet{"snippet",
                                                "frames, audio, stream time span, index, arrival of the last frame"};
  static inline const Param<std::string> kUri{"uri", kRequired, "rtsp://, http://, udp:// URI or a file path"};
  static inline const Param<int64_t> kFrames{"frames", 16, Range{1, 4096}, "frames per snippet (T)"};
  static inline const Param<double> kFps{"fps", 5.0, Range{0.1, 240.0}, "frame rate of the snippets"};
  static inline const Param<int64_t> kHop{"hop", 8, Range{1, 4096}, "frames between the starts of consecutive snippets"};
  static inline const Param<int64_t> kShortSide{"short_side", 128, Range{0, 8192},
                                                "shorter side of frames in pixels; 0 keeps the source size"};
  static inline const Param<bool> kWantAudio{"audio", true, "emit the audio of each snippet"};
  static inline const Param<int64_t> kSampleRate{"sample_rate", 48000, Range{8000, 192000}, "output audio rate in Hz"};
  static inline const Param<double> kTimeout{"timeout", 5.0, Range{0.1, 3600.0},
                                             "seconds without data before the stream counts as dropped"};
  static inline const Param<double> kRetryInitial{"retry_initial", 0.5, Range{0.0, 3600.0},
                                                  "first reconnect delay in seconds; doubles on each failure"};
  static inline const Param<double> kRetryMax{"retry_max", 8.0, Range{0.0, 3600.0}, "longest reconnect delay in seconds"};
  static inline const Param<int64_t> kMaxReconnects{"max_reconnects", 0, Range{0, 1 << 30},
                                                    "failed reconnect attempts in a row before the run fails; 0: never"};
  static inline const Param<bool> kExitOnEnd{"exit_on_end", false,
                                             "the end of the stream (or a failure) ends the source (files, tests)"};
  static inline const Param<int64_t> kJitterBuffer{
      "jitter_buffer_ms", 200, Range{-1, 60000},
      "the longest an RTSP source waits for a late or missing packet (in-order packets pass at once); more rides "
      "out a lossy network, less bounds the stall a lost packet causes; -1: rtspsrc's default (2000)"};
  AVFLOW_CONTRACT(kSnippet, kUri, kFrames, kFps, kHop, kShortSide, kWantAudio, kSampleRate, kTimeout,
                  kRetryInitial, kRetryMax, kMaxReconnects, kExitOnEnd, kJitterBuffer,
                  not_empty(kUri, "name the stream (--set NODE.uri=rtsp://...)"));

  void open(Context& ctx) override {
    node_ = ctx.node();
    uri_ = ctx.param(kUri);
    frames_ = ctx.param(kFrames);
    hop_ = ctx.param(kHop);
    fps_ = ctx.param(kFps);
    retry_initial_ = ctx.param(kRetryInitial);
    retry_max_ = std::max(ctx.param(kRetryMax), retry_initial_);
    max_reconnects_ = ctx.param(kMaxReconnects);
    exit_on_end_ = ctx.param(kExitOnEnd);
    settings_.video = true;
    settings_.audio = ctx.param(kWantAudio);
    settings_.fps = fps_;
    settings_.short_side = ctx.param(kShortSide);
    settings_.sample_rate = ctx.param(kSampleRate);
    settings_.channels = 1;
    settings_.timeout_s = ctx.param(kTimeout);
    settings_.jitter_buffer_ms = ctx.param(kJitterBuffer);
    settings_.max_buffered_s = std::max(4.0, 2.0 * static_cast<double>(frames_) / fps_);
    settings_.interrupted = [this] { return ctx_ && ctx_->cancelled(); };
  }

  void process(Context& ctx) override {
    ctx_ = &ctx;
    for (;;) {
      if (ctx.cancelled()) return stop(ctx);
      if (!decoder_ && !connect(ctx)) return stop(ctx);
      if (!decoder_) continue;
      try {
        if (read_frame()) {
          if (static_cast<int64_t>(frames_buf_.size()) == frames_) return emit_snippet(ctx);
          continue;
        }
        if (exit_on_end_) {
          AVFLOW_LOG(info) << ctx.node() << ": " << uri_ << " ended after " << emitted_ << " snippet(s)";
          return stop(ctx);
        }
        drop(ctx, "end of stream");
      } catch (const std::exception& e) {
        if (ctx.cancelled()) return stop(ctx);
        if (exit_on_end_) throw std::runtime_error(ctx.node() + ": " + e.what());
        drop(ctx, e.what());
      }
    }
  }

  void close(CloseReason) override {
    if (skipped_frames_ > 0) {
      AVFLOW_LOG(info) << node_ << ": skipped " << skipped_frames_ << " frame(s) ("
                       << static_cast<double>(skipped_frames_) / fps_ << " s of stream) the graph was too slow to take";
    }
    decoder_.reset();
    ctx_ = nullptr;
  }

 private:
  void stop(Context& ctx) {
    decoder_.reset();
    ctx.end_of_stream();
  }

  // Opens the stream, after the back-off delay when this is a reconnect.
  // False when the run was cancelled meanwhile; throws when the attempts
  // are used up.
  bool connect(Context& ctx) {
    if (failures_ > 0) {
      const double delay = std::min(retry_max_, retry_initial_ * std::pow(2.0, static_cast<double>(failures_ - 1)));
      const auto until = Clock::now() + std::chrono::duration_cast<Clock::duration>(std::chrono::duration<double>(delay));
      while (Clock::now() < until) {
        if (ctx.cancelled()) return false;
        std::this_thread::sleep_for(std::chrono::milliseconds(20));
      }
    }
    try {
      auto decoder = std::make_unique<MediaDecoder>(uri_, settings_);
      if (!decoder->has_video()) throw std::runtime_error(uri_ + ": the stream has no video");
      if (settings_.audio && !decoder->has_audio()) {
        AVFLOW_LOG(warn) << ctx.node() << ": " << uri_ << " has no audio; its snippets get silence";
      }
      decoder_ = std::move(decoder);
    } catch (const std::exception& e) {
      if (ctx.cancelled()) return false;
      if (exit_on_end_) throw std::runtime_error(ctx.node() + ": " + e.what());
      ++failures_;
      if (max_reconnects_ > 0 && failures_ > max_reconnects_)
        throw std::runtime_error(ctx.node() + ": gave up on " + uri_ + " after " + std::to_string(max_reconnects_) +
                                 " failed reconnect attempt(s); last error: " + e.what());
      AVFLOW_LOG(warn) << ctx.node() << ": cannot connect to " << uri_ << ": " << e.what() << "; retrying in "
                       << next_delay() << " s";
      return true;
    }
    conn_frames_ = 0;
    conn_samples_ = 0;
    if (dropped_) {
      ++reconnects_;
      offset_s_ += std::chrono::duration<double>(Clock::now() - dropped_at_).count();
      AVFLOW_LOG(info) << ctx.node() << ": reconnected to " << uri_ << " (reconnect " << reconnects_
                       << "), stream time resumes at " << offset_s_ << " s";
    } else {
      AVFLOW_LOG(info) << ctx.node() << ": connected to " << uri_ << " (" << decoder_->width() << "x"
                       << decoder_->height() << " at " << fps_ << " fps)";
    }
    dropped_ = false;
    return true;
  }

  double next_delay() const {
    return std::min(retry_max_, retry_initial_ * std::pow(2.0, static_cast<double>(failures_ - 1)));
  }

  // The stream broke: say so, forget the partial snippet, and reconnect.
  void drop(Context& ctx, const std::string& why) {
    if (decoder_) offset_s_ += static_cast<double>(conn_frames_) / fps_;
    decoder_.reset();
    frames_buf_.clear();
    audio_buf_.clear();
    times_.clear();
    dropped_ = true;
    dropped_at_ = Clock::now();
    ++failures_;
    AVFLOW_LOG(warn) << ctx.node() << ": stream " << uri_ << " dropped: " << why << "; reconnecting in " << next_delay()
                     << " s";
  }

  // The sample at which frame k of this connection starts.
  int64_t sample_of(int64_t k) const {
    return std::llround(static_cast<double>(k) * static_cast<double>(settings_.sample_rate) / fps_);
  }

  // Frames the decoder dropped because the graph fell behind the stream:
  // the window starts again at frame k, so that a snippet never spans a jump.
  void jump_to(int64_t k) {
    skipped_frames_ += k - conn_frames_;
    if (!warned_behind_) {
      AVFLOW_LOG(warn) << node_ << ": the graph is slower than " << uri_
                       << "; frames it cannot take are skipped, so that it gets the newest";
      warned_behind_ = true;
    }
    frames_buf_.clear();
    audio_buf_.clear();
    times_.clear();
    conn_frames_ = k;
    conn_samples_ = sample_of(k);
    // The audio before frame k is not wanted either (the decoder dropped it
    // with the frames, up to rounding, or it has yet to arrive).
    if (settings_.audio && decoder_->has_audio()) decoder_->skip_audio_to(conn_samples_);
  }

  // One frame and its audio into the buffers; false at the end of the stream.
  bool read_frame() {
    std::optional<MediaDecoder::TimedFrame> timed = decoder_->next_timed_frame();
    if (!timed) return false;
    if (timed->index < conn_frames_) return true;  // its sound was dropped (below): skip it
    if (timed->index > conn_frames_) jump_to(timed->index);
    if (settings_.audio && decoder_->has_audio()) {
      // Audio dropped past this frame's start: the frame has no sound left;
      // go on from the first frame that has.
      const int64_t audio_at = decoder_->audio_position();
      if (audio_at > conn_samples_) {
        int64_t k = conn_frames_;
        while (sample_of(k) < audio_at) ++k;
        jump_to(k);
        return true;  // nothing to keep from this frame
      }
    }
    at::Tensor frame = std::move(timed->pixels);
    const auto arrived = timed->arrived;
    at::Tensor pcm;
    if (settings_.audio) {
      const int64_t until = sample_of(conn_frames_ + 1);
      const int64_t want = until - conn_samples_;
      if (decoder_->has_audio()) {
        pcm = decoder_->read_audio(want).reshape({-1});
        if (pcm.size(0) < want) return false;
      } else {
        pcm = at::zeros({want}, at::kFloat);
      }
      conn_samples_ = until;
    }
    if (!frames_buf_.empty() && !frame.sizes().equals(frames_buf_.back().sizes())) {
      frames_buf_.clear();  // the stream changed size: start the window anew
      audio_buf_.clear();
      times_.clear();
    }
    frames_buf_.push_back(std::move(frame));
    audio_buf_.push_back(pcm);
    times_.push_back(offset_s_ + static_cast<double>(conn_frames_) / fps_);
    last_arrival_ = arrived;
    ++conn_frames_;
    failures_ = 0;  // data flows again: the back-off starts over
    return true;
  }

  void emit_snippet(Context& ctx) {
    std::vector<at::Tensor> frames(frames_buf_.begin(), frames_buf_.end());
    LiveSnippet meta;
    meta.uri = uri_;
    meta.index = emitted_++;
    meta.start_s = times_.front();
    meta.end_s = times_.back() + 1.0 / fps_;
    meta.arrival_ns = std::chrono::duration_cast<std::chrono::nanoseconds>(last_arrival_.time_since_epoch()).count();
    meta.reconnects = reconnects_;
    meta.video = Tensor(at::stack(frames));
    if (settings_.audio) {
      std::vector<at::Tensor> pcm(audio_buf_.begin(), audio_buf_.end());
      meta.audio = Tensor(at::cat(pcm));
    }
    ctx.emit(kSnippet, std::move(meta));
    const auto n = static_cast<size_t>(std::min<int64_t>(hop_, static_cast<int64_t>(frames_buf_.size())));
    frames_buf_.erase(frames_buf_.begin(), frames_buf_.begin() + static_cast<std::ptrdiff_t>(n));
    audio_buf_.erase(audio_buf_.begin(), audio_buf_.begin() + static_cast<std::ptrdiff_t>(n));
    times_.erase(times_.begin(), times_.begin() + static_cast<std::ptrdiff_t>(n));
  }

  using Clock = std::chrono::steady_clock;

  std::string uri_;
  DecodeSettings settings_;
  int64_t frames_ = 16, hop_ = 8;
  double fps_ = 5.0;
  double retry_initial_ = 0.5, retry_max_ = 8.0;
  int64_t max_reconnects_ = 0;
  bool exit_on_end_ = false;
  Context* ctx_ = nullptr;  // the process() call now running, for the decoder's cancel check

  std::unique_ptr<MediaDecoder> decoder_;
  int64_t conn_frames_ = 0, conn_samples_ = 0;  // read on the current connection
  std::string node_;
  int64_t skipped_frames_ = 0;                  // dropped because the graph fell behind
  bool warned_behind_ = false;
  std::deque<at::Tensor> frames_buf_, audio_buf_;
  std::deque<double> times_;  // stream time of each buffered frame
  Clock::time_point last_arrival_;
  double offset_s_ = 0.0;  // stream time where the current connection began
  int64_t emitted_ = 0, reconnects_ = 0, failures_ = 0;
  bool dropped_ = false;
  Clock::time_point dropped_at_;
};

AVFLOW_REGISTER(LiveSnippets, "live_snippets",
                "sliding snippets of a live stream (rtsp, http, udp, file) with reconnects and back-off");

}  // namespace avflow::ops
