// MediaDecoder: one title (a file path or any URI uridecodebin accepts: file,
// http, rtsp, ...) decoded by GStreamer into RGB frames at a fixed frame rate
// and float PCM at a fixed sample rate.
//
//   uridecodebin -> videorate -> videoconvert -> videoscale -> RGB, fps, short side S -> appsink
//                -> audioconvert -> audiorate -> audioresample -> F32LE, rate, channels -> appsink
//
// Frames come at exactly `fps` (videorate duplicates or drops), scaled so the
// shorter displayed side is `short_side` (pixel aspect ratio applied); audio
// is gap-free (audiorate fills gaps with silence at the source rate). Both
// are placed by presentation time on one timeline that starts at the title's
// first frame (README "Sound and picture on one timeline"): edit lists,
// recorded encoder priming and MPEG-TS clocks applied, audio before the
// first frame trimmed, a late track padded. Both streams are pulled by
// the caller at its own pace: each stream buffers at most `max_buffered_s`
// seconds ahead of it, except that a stream keeps flowing while the caller
// waits for the other one and that one has stalled (its data behind this
// one's in the container), so a two-hour title decodes in bounded memory
// without deadlock. A live source is never held back: its oldest data is
// dropped instead (see audio_position()).
#pragma once

#include <ATen/ATen.h>

#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>

namespace avflow::media {

struct DecodeSettings {
  bool video = true;             // decode the video stream (if present)
  bool audio = true;             // decode the audio stream (if present)
  double fps = 5.0;              // output frame rate
  int64_t short_side = 190;      // shorter side of output frames; 0 = keep the source size
  int64_t sample_rate = 48000;   // output audio rate
  int channels = 1;              // 1 (mono, downmixed) or 2 (stereo)
  double start_s = 0.0;          // seek here before decoding (random access)
  double timeout_s = 20.0;       // no progress for this long is an error (dead URIs, stalls)
  double max_buffered_s = 4.0;   // read-ahead per stream, in media seconds
  // Jitter buffer of a network source that has one (jitter_buffer.h): how
  // long it waits for a late or missing packet. Negative: the source's own.
  int64_t jitter_buffer_ms = -1;
  // Polled while waiting for data; returning true stops the wait with an
  // error (a cancelled run must not sit out `timeout_s` on a silent stream).
  std::function<bool()> interrupted;
};

// Where a URI string comes from: absolute paths become file:// URIs.
std::string to_uri(const std::string& path_or_uri);

class MediaDecoder {
 public:
  // The rules that place frames and samples on a title's timeline, by
  // version: a change to where decoding puts them (a fix of sync) bumps it,
  // and prepare redoes the shards decoded by older rules. 1: presentation
  // time through each track's segment, the title starting at its first frame.
  static constexpr uint32_t kTimelineVersion = 1;

  // Starts the pipeline and waits until the streams are known (a live
  // source, such as rtsp://, only after it starts playing). Throws
  // std::runtime_error naming the URI when it cannot be opened or decoded.
  MediaDecoder(const std::string& path_or_uri, const DecodeSettings& settings);
  ~MediaDecoder();
  MediaDecoder(const MediaDecoder&) = delete;
  MediaDecoder& operator=(const MediaDecoder&) = delete;

  bool has_video() const;
  bool has_audio() const;
  // Output frame size, known when has_video().
  int64_t width() const;
  int64_t height() const;
  // The title's length in seconds from its first frame (the container's
  // duration less any time before that frame), when the container says
  // (files); else empty.
  std::optional<double> duration_s() const;

  // The next frame, uint8 [H, W, 3]; empty at end of stream. Frame k of the
  // stream shows time start_s + k / fps from the title's start (its first frame).
  std::optional<at::Tensor> next_frame();

  // next_frame with the time the frame arrived. From a live source (rtsp://,
  // udp://) that is when its data reached the pipeline, as the pipeline's
  // clock stamped it (its running time), so time spent in the jitter buffer,
  // the decoder and the read-ahead (a caller that lags) counts; from other sources, when it left
  // the decoder. Never later than the call. `index` is k: consecutive, except
  // from a live source that the caller fell behind (below).
  struct TimedFrame {
    at::Tensor pixels;
    std::chrono::steady_clock::time_point arrived;
    int64_t index = 0;
  };
  std::optional<TimedFrame> next_timed_frame();

  // Whether the source is live (it plays at its own pace and cannot preroll).
  bool live() const;

  // Where a file's tracks sit on the container's clock and what lines them
  // up (`avflow probe` prints it). Known once opened; the frame intervals
  // grow as frames are read. Times in seconds of stream time.
  struct TrackTiming {
    bool present = false;
    double first_s = 0;           // the first frame's or sample's presentation time
    double first_stamped_s = 0;   // its timestamp as decoded, before the container's mapping
    double mapped_back_s = 0;     // what the container's mapping takes off every timestamp (edit list, priming)
    bool lead_in_trimmed = false; // Matroska: a lead-in stamped before the video, kept off the timeline
    double source_fps = 0;        // video: the frame rate the stream declares; 0 = variable or none
    double min_interval_s = 0, max_interval_s = 0;  // video: between the source frames read so far
    int64_t source_rate = 0;      // audio: the decoded rate and channels
    int source_channels = 0;
  };
  struct Timing {
    double origin_s = 0;  // the title's start (its first frame) on the container's clock
    TrackTiming video, audio;
  };
  Timing timing() const;

  // The most media seconds each stream has held for the caller so far: what
  // decoding a title costs in memory beyond one snippet, whatever its length
  // (about max_buffered_s, plus one buffer, while the other stream flows).
  struct ReadAhead {
    double video_s = 0, audio_s = 0;
  };
  ReadAhead peak_read_ahead() const;

  // A live source does not wait for a caller that falls behind: once a
  // stream holds max_buffered_s, its oldest frames are dropped, with the
  // audio of their time, so the caller always gets the newest (frame indices
  // and the audio position jump; memory and the age of what is read stay
  // bounded). audio_position() is the sample read_audio returns next;
  // skip_audio_to(j) drops the audio before sample j.
  int64_t audio_position() const;
  void skip_audio_to(int64_t position);

  // The next `samples` samples, float32 [samples, channels]; fewer (maybe 0)
  // only at end of stream. Sample j of the stream is at time start_s + j / rate
  // from the title's start, as frame k is at start_s + k / fps (silence where
  // the audio track starts late or has a gap).
  at::Tensor read_audio(int64_t samples);

  const std::string& uri() const;

 private:
  struct State;
  std::unique_ptr<State> s_;
};

}  // namespace avflow::media
