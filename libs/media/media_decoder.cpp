#include "libs/media/media_decoder.h"

#include <gst/app/gstappsink.h>
#include <gst/gst.h>
#include <gst/video/video.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cmath>
#include <condition_variable>
#include <cstring>
#include <deque>
#include <filesystem>
#include <mutex>
#include <stdexcept>

#include "engine/log.h"
#include "libs/media/gst_init.h"
#include "libs/media/jitter_buffer.h"

namespace avflow::media {

std::string to_uri(const std::string& path_or_uri) {
  if (gst_uri_is_valid(path_or_uri.c_str())) return path_or_uri;
  std::error_code ec;
  const auto abs = std::filesystem::absolute(path_or_uri, ec);
  gchar* uri = gst_filename_to_uri(ec ? path_or_uri.c_str() : abs.c_str(), nullptr);
  if (!uri) throw std::runtime_error("cannot make a URI of '" + path_or_uri + "'");
  std::string out = uri;
  g_free(uri);
  return out;
}

namespace {

enum StreamKind { kVideo = 0, kAudio = 1, kNone = 2 };

using Clock = std::chrono::steady_clock;

struct Chunk {
  at::Tensor data;  // video: [H, W, 3] uint8; audio: [n, channels] float
  Clock::time_point arrived{};  // video: when the frame arrived (MediaDecoder::next_timed_frame)
};

struct Stream {
  GstElement* sink = nullptr;
  std::deque<Chunk> chunks;
  double buffered_s = 0;  // media seconds waiting in `chunks`
  double peak_buffered_s = 0;
  bool eos = false;
  bool started = false;   // first buffer seen (alignment done)
  int64_t next_index = 0; // video: frame index expected next; audio: position of the next sample placed
  size_t front_offset = 0;  // audio: samples of chunks.front() already read
  Clock::time_point last_push{};  // when the pipeline last handed this stream a buffer
  // Units (frames, samples) handed to the caller, and dropped unread (a live
  // source the caller fell behind): the front of `chunks` is unit taken + skipped.
  int64_t taken = 0, skipped = 0;
  int64_t discard_before = 0;  // audio: samples before this position are not wanted
  // Stream time (ns) of the first segment that reached the sink: where the
  // container says this track's presentation begins.
  std::optional<GstClockTime> first_segment_time;
  // The segment that maps this stream's timestamps to the title's timeline,
  // and the first one, from before any seek (see on_event).
  std::optional<GstSegment> timeline, initial;
  // Audio: where the source's last buffer ends on the timeline (s), as it
  // entered the resampler, which may come out a sample short.
  std::optional<double> source_end_s;
  // What MediaDecoder::timing() reports: the source's format and timing.
  MediaDecoder::TrackTiming timing;
  GstClockTime last_source_pts = GST_CLOCK_TIME_NONE;  // video: the previous source frame's
  int64_t source_frames = 0;                           // video: source frames seen
};

// A stream that has handed over nothing for this long while the caller waits
// for it is stalled (the demuxer may be stuck behind the other stream's data),
// not merely slower to decode.
constexpr auto kStalledAfter = std::chrono::milliseconds(250);

}  // namespace

struct MediaDecoder::State {
  std::string uri;
  DecodeSettings settings;
  GstElement* pipeline = nullptr;
  GstBus* bus = nullptr;

  std::mutex mu;
  std::condition_variable cv;
  Stream streams[2];
  bool pads_done = false;
  bool stopping = false;
  StreamKind waiting_for = kNone;
  Clock::time_point last_progress = Clock::now();
  int64_t width = 0, height = 0;
  int fps_n = 5, fps_d = 1;
  double content_end_s = -1;  // the title's duration after start_s, when known
  // Stream time (s) of the title's start: its first frame (audio before it
  // has no picture and is trimmed; audio that starts after it is padded),
  // or the audio's start in a title without video. Not 0 in MPEG-TS, whose
  // clock starts anywhere, nor where an encoder's priming was placed before
  // the video. Sample and frame times count from here; a seek to start_s
  // goes to origin_s + start_s.
  double origin_s = 0;
  // Where the container's clock starts (s): the earliest track's first
  // segment. Its duration counts from here (MPEG-TS: not 0).
  double clock_start_s = 0;
  std::atomic<bool> live{false};  // the source plays at its own pace (set before PLAYING)
  // Set once the State is built, before the pipeline starts; every callback
  // on a GStreamer thread reads it first (from_callback). GStreamer's threads
  // come from GLib's pool and receive their work through futexes that
  // ThreadSanitizer cannot see; this release / acquire pair is the ordering
  // it can (the real one is GLib's).
  std::atomic<bool> built{false};
  static State* from_callback(gpointer state) {
    auto* s = static_cast<State*>(state);
    s->built.load(std::memory_order_acquire);
    return s;
  }

  // Also when the constructor throws: a pipeline left playing would call
  // into freed state.
  ~State() {
    {
      std::lock_guard<std::mutex> lock(mu);
      stopping = true;
      cv.notify_all();
    }
    if (pipeline) {
      gst_element_set_state(pipeline, GST_STATE_NULL);
      gst_object_unref(bus);
      gst_object_unref(pipeline);
    }
  }

  // --- called on GStreamer's streaming threads ---

  void on_pad(GstPad* pad) {
    GstCaps* caps = gst_pad_get_current_caps(pad);
    if (!caps) caps = gst_pad_query_caps(pad, nullptr);
    const GstStructure* st = gst_caps_get_structure(caps, 0);
    const std::string name = gst_structure_get_name(st);
    GstElement* head = nullptr;
    if (name.rfind("video/", 0) == 0 && settings.video && !streams[kVideo].sink)
      head = build_video_branch(st);
    else if (name.rfind("audio/", 0) == 0 && settings.audio && !streams[kAudio].sink)
      head = build_audio_branch(st);
    gst_caps_unref(caps);
    if (!head) head = add_element("fakesink", {{"sync", "false"}});  // a stream we do not use
    GstPad* sinkpad = gst_element_get_static_pad(head, "sink");
    if (gst_pad_link(pad, sinkpad) != GST_PAD_LINK_OK) {
      AVFLOW_LOG(warn) << uri << ": could not link a " << name << " stream";
    }
    gst_object_unref(sinkpad);
  }

  GstElement* add_element(const char* factory, std::initializer_list<std::pair<const char*, const char*>> props) {
    GstElement* e = gst_element_factory_make(factory, nullptr);
    if (!e) throw std::runtime_error(std::string("GStreamer element '") + factory + "' is missing (install its plugin)");
    for (const auto& [k, v] : props) gst_util_set_object_arg(G_OBJECT(e), k, v);
    gst_bin_add(GST_BIN(pipeline), e);
    gst_element_sync_state_with_parent(e);
    return e;
  }

  // Links factories in a chain ending in an appsink; returns the first element.
  GstElement* chain(std::initializer_list<GstElement*> elements) {
    GstElement* prev = nullptr;
    for (GstElement* e : elements) {
      if (prev && !gst_element_link(prev, e)) throw std::runtime_error("GStreamer could not link the decode branch");
      prev = e;
    }
    return *elements.begin();
  }

  GstElement* build_video_branch(const GstStructure* st) {
    int w = 0, h = 0, par_n = 1, par_d = 1;
    gst_structure_get_int(st, "width", &w);
    gst_structure_get_int(st, "height", &h);
    gst_structure_get_fraction(st, "pixel-aspect-ratio", &par_n, &par_d);
    const double disp_w = static_cast<double>(w) * par_n / std::max(par_d, 1), disp_h = h;
    if (settings.short_side > 0 && w > 0 && h > 0) {
      const double scale = static_cast<double>(settings.short_side) / std::min(disp_w, disp_h);
      width = disp_w <= disp_h ? settings.short_side : std::llround(disp_w * scale);
      height = disp_h < disp_w ? settings.short_side : std::llround(disp_h * scale);
    } else {
      width = std::llround(disp_w);
      height = h;
    }
    int src_n = 0, src_d = 1;
    if (gst_structure_get_fraction(st, "framerate", &src_n, &src_d) && src_n > 0 && src_d > 0) {
      std::lock_guard<std::mutex> lock(mu);
      streams[kVideo].timing.source_fps = static_cast<double>(src_n) / src_d;
    }
    gst_util_double_to_fraction(settings.fps, &fps_n, &fps_d);
    std::string caps = "video/x-raw,format=RGB,width=" + std::to_string(width) + ",height=" + std::to_string(height) +
                       ",pixel-aspect-ratio=1/1,framerate=" + std::to_string(fps_n) + "/" + std::to_string(fps_d);
    GstElement* sink = make_sink(kVideo);
    GstElement* rate = add_element("videorate", {{"skip-to-first", "true"}});
    GstPad* pad = gst_element_get_static_pad(rate, "sink");
    gst_pad_add_probe(pad, GST_PAD_PROBE_TYPE_BUFFER, &State::on_source_frame, this, nullptr);
    gst_object_unref(pad);
    // videorate first: frames it drops are never converted or scaled.
    return chain({add_element("queue", {}), rate, add_element("videoconvert", {}), add_element("videoscale", {}),
                  add_element("capsfilter", {{"caps", caps.c_str()}}), sink});
  }

  GstElement* build_audio_branch(const GstStructure* st) {
    {
      std::lock_guard<std::mutex> lock(mu);
      gint rate = 0, channels = 0;
      gst_structure_get_int(st, "rate", &rate);
      gst_structure_get_int(st, "channels", &channels);
      streams[kAudio].timing.source_rate = rate;
      streams[kAudio].timing.source_channels = channels;
    }
    std::string caps = "audio/x-raw,format=F32LE,layout=interleaved,rate=" + std::to_string(settings.sample_rate) +
                       ",channels=" + std::to_string(settings.channels);
    GstElement* sink = make_sink(kAudio);
    // audiorate before the resampler: a gap or an overlap in the source is
    // filled or cut at the source rate, by its timestamps (down to 1 ms:
    // the default 40 ms would close up a lost AAC frame), so the resampler
    // sees one continuous signal. The start is placed by push_audio.
    GstElement* resample = add_element("audioresample", {});
    GstPad* pad = gst_element_get_static_pad(resample, "sink");
    gst_pad_add_probe(pad, GST_PAD_PROBE_TYPE_BUFFER, &State::on_source_audio, this, nullptr);
    gst_object_unref(pad);
    return chain({add_element("queue", {}), add_element("audioconvert", {}),
                  add_element("audiorate", {{"tolerance", "1000000"}, {"skip-to-first", "true"}}), resample,
                  add_element("capsfilter", {{"caps", caps.c_str()}}), sink});
  }

  GstElement* make_sink(StreamKind kind) {
    GstElement* sink = add_element("appsink", {{"sync", "false"}, {"enable-last-sample", "false"}, {"max-buffers", "2"}});
    // The callbacks get the State, made before the pipeline ran, and know
    // their stream by which they are: nothing shared is made on this
    // (streaming) thread for another streaming thread to read.
    GstAppSinkCallbacks cb{};
    if (kind == kVideo) {
      cb.eos = [](GstAppSink*, gpointer state) { from_callback(state)->on_eos(kVideo); };
      cb.new_sample = [](GstAppSink* s, gpointer state) { return from_callback(state)->on_sample(kVideo, s); };
    } else {
      cb.eos = [](GstAppSink*, gpointer state) { from_callback(state)->on_eos(kAudio); };
      cb.new_sample = [](GstAppSink* s, gpointer state) { return from_callback(state)->on_sample(kAudio, s); };
    }
    gst_app_sink_set_callbacks(GST_APP_SINK(sink), &cb, this, nullptr);
    // The first segment tells where the track's presentation begins (read
    // after preroll, before any sample: see origin_s).
    GstPad* pad = gst_element_get_static_pad(sink, "sink");
    gst_pad_add_probe(pad, static_cast<GstPadProbeType>(GST_PAD_PROBE_TYPE_EVENT_DOWNSTREAM | GST_PAD_PROBE_TYPE_EVENT_FLUSH),
                      kind == kVideo ? &State::on_event<kVideo> : &State::on_event<kAudio>, this, nullptr);
    gst_object_unref(pad);
    std::lock_guard<std::mutex> lock(mu);
    streams[kind].sink = sink;
    return sink;
  }

  template <StreamKind kind>
  static GstPadProbeReturn on_event(GstPad*, GstPadProbeInfo* info, gpointer state) {
    GstEvent* event = GST_PAD_PROBE_INFO_EVENT(info);
    State* s = from_callback(state);
    std::lock_guard<std::mutex> lock(s->mu);
    Stream& st = s->streams[kind];
    if (GST_EVENT_TYPE(event) == GST_EVENT_FLUSH_STOP) st.timeline.reset();  // a seek: a new timeline follows
    if (GST_EVENT_TYPE(event) != GST_EVENT_SEGMENT) return GST_PAD_PROBE_OK;
    const GstSegment* segment = nullptr;
    gst_event_parse_segment(event, &segment);
    if (segment->format != GST_FORMAT_TIME) return GST_PAD_PROBE_OK;
    if (!st.first_segment_time) st.first_segment_time = segment->time;
    // Matroska's demuxer, meeting a block stamped before the segment's start
    // (an encoder's priming, placed before the video's first frame), sends
    // the segment again to every track with that earlier start and the same
    // time: the lead-in is not clipped, but every timestamp after it moves
    // on the timeline by the lead-in (23 ms of AAC, 25 ms of MP3). The file
    // means the first mapping: keep it (no flush came between), so the
    // lead-in falls before the title's start and is trimmed.
    const bool extends_back = st.timeline && segment->time == st.timeline->time &&
                              segment->base == st.timeline->base && segment->start < st.timeline->start &&
                              segment->rate == st.timeline->rate;
    // After a seek, Matroska's demuxer maps the target as if its timestamps
    // started at 0, which they need not (the lead-in above): where the new
    // segment lies within the first one, the first one's mapping still holds.
    // A segment beyond it (another MP4 edit) brings its own.
    auto within_initial = [&] {
      const GstSegment& first = *st.initial;
      return segment->rate == 1.0 && first.rate == 1.0 && segment->start >= first.start &&
             (!GST_CLOCK_TIME_IS_VALID(first.stop) || segment->start < first.stop);
    };
    if (extends_back) st.timing.lead_in_trimmed = true;
    if (!st.timeline && st.initial && within_initial())
      st.timeline = st.initial;
    else if (!extends_back)
      st.timeline = *segment;
    if (!st.initial) st.initial = st.timeline;
    return GST_PAD_PROBE_OK;
  }

  // The source's frame intervals (the first few hundred): a variable frame
  // rate shows as intervals that differ.
  static GstPadProbeReturn on_source_frame(GstPad*, GstPadProbeInfo* info, gpointer state) {
    const GstBuffer* buf = GST_PAD_PROBE_INFO_BUFFER(info);
    if (!buf || !GST_BUFFER_PTS_IS_VALID(buf)) return GST_PAD_PROBE_OK;
    State* s = from_callback(state);
    std::lock_guard<std::mutex> lock(s->mu);
    Stream& v = s->streams[kVideo];
    if (v.source_frames++ > 500) return GST_PAD_PROBE_OK;
    const GstClockTime pts = GST_BUFFER_PTS(buf);
    if (GST_CLOCK_TIME_IS_VALID(v.last_source_pts) && pts > v.last_source_pts) {
      const double dt = static_cast<double>(pts - v.last_source_pts) / GST_SECOND;
      MediaDecoder::TrackTiming& t = v.timing;
      t.min_interval_s = t.max_interval_s > 0 ? std::min(t.min_interval_s, dt) : dt;
      t.max_interval_s = std::max(t.max_interval_s, dt);
    }
    v.last_source_pts = pts;
    return GST_PAD_PROBE_OK;
  }

  static GstPadProbeReturn on_source_audio(GstPad*, GstPadProbeInfo* info, gpointer state) {
    const GstBuffer* buf = GST_PAD_PROBE_INFO_BUFFER(info);
    if (!buf || !GST_BUFFER_PTS_IS_VALID(buf) || !GST_BUFFER_DURATION_IS_VALID(buf)) return GST_PAD_PROBE_OK;
    State* s = from_callback(state);
    std::lock_guard<std::mutex> lock(s->mu);
    Stream& a = s->streams[kAudio];
    if (!a.timeline) return GST_PAD_PROBE_OK;
    a.source_end_s = stream_time_of(GST_BUFFER_PTS(buf) + GST_BUFFER_DURATION(buf), &*a.timeline);
    return GST_PAD_PROBE_OK;
  }

  void on_eos(StreamKind kind) {
    std::lock_guard<std::mutex> lock(mu);
    if (kind == kAudio) finish_audio();
    streams[kind].eos = true;
    cv.notify_all();
  }

  GstFlowReturn on_sample(StreamKind kind, GstAppSink* sink) {
    GstSample* sample = gst_app_sink_pull_sample(sink);
    if (!sample) return GST_FLOW_EOS;
    GstBuffer* buf = gst_sample_get_buffer(sample);
    const Clock::time_point arrived = kind == kVideo ? arrival_of(sample) : Clock::time_point{};
    at::Tensor data = kind == kVideo ? copy_frame(sample) : copy_audio(buf);

    std::unique_lock<std::mutex> lock(mu);
    Stream& s = streams[kind];
    const GstSegment* segment = s.timeline ? &*s.timeline : gst_sample_get_segment(sample);
    const std::optional<double> stream_time = stream_time_of(GST_BUFFER_PTS(buf), segment);
    if (stream_time && !s.timing.present) note_first(s, GST_BUFFER_PTS(buf), *stream_time, segment);  // not prerolled (a gap)
    gst_sample_unref(sample);
    const double t = stream_time ? *stream_time - origin_s - settings.start_s : 0.0;
    if (kind == kVideo)
      push_frame(s, data, t, arrived);
    else
      push_audio(s, data, t);
    last_progress = s.last_push = Clock::now();
    // A live source cannot wait for the caller: what it sends meanwhile
    // piles up upstream (the jitter buffer, the server), without bound and
    // ever older. Drop the oldest instead, so the caller gets the newest.
    if (live)
      drop_behind(kind);
    else if (kind == kAudio)
      discard_audio();  // after skip_audio_to(), samples still to come
    s.peak_buffered_s = std::max(s.peak_buffered_s, s.buffered_s);
    cv.notify_all();
    if (live) return GST_FLOW_OK;
    // Back-pressure: wait while this stream is far enough ahead. The caller
    // waiting for the other stream is no reason to go on while that stream
    // still flows: it is only slower to decode (video, mostly), and running
    // ahead of it would buffer this stream without bound, ~1.4 MB a minute
    // of a film. Only when it has stalled (its data may sit behind this
    // stream's in the container, and the demuxer can reach it only through
    // ours) does this stream keep flowing.
    const StreamKind other_kind = kind == kVideo ? kAudio : kVideo;
    const Stream& other = streams[other_kind];
    auto may_go_on = [&] {
      if (stopping || s.buffered_s < settings.max_buffered_s) return true;
      return waiting_for == other_kind && (other.eos || Clock::now() - other.last_push >= kStalledAfter);
    };
    while (!may_go_on()) cv.wait_for(lock, std::chrono::milliseconds(50));
    return stopping ? GST_FLOW_FLUSHING : GST_FLOW_OK;
  }

  // Live sources: video beyond max_buffered_s loses its oldest frames, and the
  // audio of their time goes with them; audio is dropped on its own only
  // beyond twice that (it may run ahead of the video it belongs to).
  void drop_behind(StreamKind kind) {
    Stream& v = streams[kVideo];
    Stream& a = streams[kAudio];
    const double frame_s = static_cast<double>(fps_d) / fps_n;
    if (kind == kVideo) {
      while (v.buffered_s > settings.max_buffered_s && v.chunks.size() > 1) {
        v.chunks.pop_front();
        v.buffered_s -= frame_s;
        ++v.skipped;
      }
      const int64_t front = v.taken + v.skipped;
      const auto start = static_cast<int64_t>(
          std::llround(static_cast<double>(front) * frame_s * static_cast<double>(settings.sample_rate)));
      a.discard_before = std::max(a.discard_before, start);
    } else if (a.buffered_s > 2 * settings.max_buffered_s) {
      const auto excess = static_cast<int64_t>((a.buffered_s - settings.max_buffered_s) *
                                               static_cast<double>(settings.sample_rate));
      a.discard_before = std::max(a.discard_before, a.taken + a.skipped + excess);
    }
    discard_audio();
  }

  // Drops buffered audio before discard_before.
  void discard_audio() {
    Stream& a = streams[kAudio];
    const auto rate = static_cast<double>(settings.sample_rate);
    while (!a.chunks.empty() && a.taken + a.skipped < a.discard_before) {
      const int64_t left = a.chunks.front().data.size(0) - static_cast<int64_t>(a.front_offset);
      const int64_t n = std::min(left, a.discard_before - (a.taken + a.skipped));
      a.skipped += n;
      a.buffered_s -= static_cast<double>(n) / rate;
      a.front_offset += static_cast<size_t>(n);
      if (n == left) {
        a.chunks.pop_front();
        a.front_offset = 0;
      }
    }
  }

  // Where a sample plays on the title's timeline: its presentation time
  // through its segment, so what the container says is applied (an MP4 edit
  // list's start, the encoder priming it trims, a track that starts after an
  // empty edit). Before the segment's start (a decoder that does not clip)
  // it is negative. Seconds of stream time; empty without a timestamp.
  static std::optional<double> stream_time_of(GstClockTime pts, const GstSegment* segment) {
    if (!GST_CLOCK_TIME_IS_VALID(pts)) return std::nullopt;
    if (!segment || segment->format != GST_FORMAT_TIME) return static_cast<double>(pts) / GST_SECOND;
    guint64 st = 0;
    const gint sign = gst_segment_to_stream_time_full(segment, GST_FORMAT_TIME, pts, &st);
    if (sign == 0) return std::nullopt;
    return (sign > 0 ? 1.0 : -1.0) * static_cast<double>(st) / GST_SECOND;
  }

  // When a sample's data arrived. A live source stamps a buffer with the
  // running time at which it was captured or received (rtspsrc: the arrival
  // of its packets, skew-corrected): the pipeline clock's time now less that
  // running time and the base time is its age. Files and other sources that
  // run ahead of the clock: now.
  Clock::time_point arrival_of(GstSample* sample) {
    const Clock::time_point now = Clock::now();
    if (!live) return now;
    const GstBuffer* buf = gst_sample_get_buffer(sample);
    const GstSegment* segment = gst_sample_get_segment(sample);
    if (!buf || !segment || !GST_BUFFER_PTS_IS_VALID(buf)) return now;
    const GstClockTime running = gst_segment_to_running_time(segment, GST_FORMAT_TIME, GST_BUFFER_PTS(buf));
    GstClock* clock = gst_element_get_clock(pipeline);
    if (!clock || !GST_CLOCK_TIME_IS_VALID(running)) {
      if (clock) gst_object_unref(clock);
      return now;
    }
    const GstClockTime clock_now = gst_clock_get_time(clock);
    gst_object_unref(clock);
    const GstClockTime stamped = gst_element_get_base_time(pipeline) + running;
    if (clock_now <= stamped) return now;
    return now - std::chrono::nanoseconds(clock_now - stamped);
  }

  at::Tensor copy_frame(GstSample* sample) {
    GstVideoInfo info;
    gst_video_info_from_caps(&info, gst_sample_get_caps(sample));
    GstBuffer* buf = gst_sample_get_buffer(sample);
    GstMapInfo map;
    const int64_t h = GST_VIDEO_INFO_HEIGHT(&info), w = GST_VIDEO_INFO_WIDTH(&info);
    at::Tensor frame = at::empty({h, w, 3}, at::kByte);
    if (!gst_buffer_map(buf, &map, GST_MAP_READ)) throw std::runtime_error("cannot map a video buffer");
    const auto stride = static_cast<size_t>(GST_VIDEO_INFO_PLANE_STRIDE(&info, 0));
    auto* dst = frame.data_ptr<uint8_t>();
    for (int64_t y = 0; y < h; ++y) std::memcpy(dst + y * w * 3, map.data + y * stride, static_cast<size_t>(w * 3));
    gst_buffer_unmap(buf, &map);
    return frame;
  }

  at::Tensor copy_audio(GstBuffer* buf) {
    GstMapInfo map;
    if (!gst_buffer_map(buf, &map, GST_MAP_READ)) throw std::runtime_error("cannot map an audio buffer");
    const int64_t n = static_cast<int64_t>(map.size / sizeof(float) / static_cast<size_t>(settings.channels));
    at::Tensor pcm = at::empty({n, settings.channels}, at::kFloat);
    std::memcpy(pcm.data_ptr<float>(), map.data, static_cast<size_t>(n * settings.channels) * sizeof(float));
    gst_buffer_unmap(buf, &map);
    return pcm;
  }

  // Frame k belongs at time k / fps: drop frames behind the grid, repeat the
  // last one over a hole (a late start, a decoder gap).
  void push_frame(Stream& s, const at::Tensor& frame, double t, Clock::time_point arrived) {
    const int64_t k = std::llround(t * fps_n / fps_d);
    if (k < s.next_index) return;
    // videorate fills up to the end of the last frame, one slot past the
    // content at a whole-second end: frame k shows time k / fps, so it must
    // lie before the end.
    if (content_end_s >= 0 && static_cast<double>(k) * fps_d / fps_n >= content_end_s - 1e-6) return;
    const double frame_s = static_cast<double>(fps_d) / fps_n;
    while (s.next_index <= k) {
      s.chunks.push_back({frame, arrived});
      s.buffered_s += frame_s;
      ++s.next_index;
    }
  }

  // Sample j belongs at time j / rate, by each buffer's timestamp: silence
  // before a track that starts late and over a gap, samples before the
  // title's start (or already placed: an overlap) cut. Never closed up: the
  // samples after a gap keep their time. Within 1 ms is in place (the
  // timestamps of a live source jitter).
  void push_audio(Stream& s, at::Tensor pcm, double t) {
    const auto rate = static_cast<double>(settings.sample_rate);
    const int64_t at = std::llround(t * rate), tolerance = std::max<int64_t>(1, settings.sample_rate / 1000);
    const int64_t expected = s.started ? s.next_index : 0;
    if (!s.started || std::abs(at - expected) > tolerance) {
      if (at > expected) push_samples(s, at::zeros({at - expected, settings.channels}, at::kFloat));
      if (at < expected) pcm = pcm.slice(0, std::min<int64_t>(expected - at, pcm.size(0)));
    }
    s.started = true;
    push_samples(s, std::move(pcm));
  }

  // At the end of the audio: the resampler's last output may fall short of
  // where the source ended by a rounding (a sample of 44.1 -> 48 kHz), which
  // would cost a whole last snippet; silence makes up that shortfall, never
  // more than 10 ms.
  void finish_audio() {
    Stream& a = streams[kAudio];
    if (!a.started || !a.source_end_s) return;
    const auto rate = static_cast<double>(settings.sample_rate);
    const int64_t end = std::llround((*a.source_end_s - origin_s - settings.start_s) * rate);
    if (end > a.next_index && end - a.next_index <= settings.sample_rate / 100)
      push_samples(a, at::zeros({end - a.next_index, settings.channels}, at::kFloat));
  }

  void push_samples(Stream& s, at::Tensor pcm) {
    if (pcm.size(0) == 0) return;
    s.buffered_s += static_cast<double>(pcm.size(0)) / static_cast<double>(settings.sample_rate);
    s.next_index += pcm.size(0);
    s.chunks.push_back({std::move(pcm)});
  }

  // A stream's first frame or sample, for timing() (lock held).
  static void note_first(Stream& st, GstClockTime pts, double stream_time, const GstSegment* segment) {
    st.timing.present = true;
    st.timing.first_s = stream_time;
    st.timing.first_stamped_s = static_cast<double>(pts) / GST_SECOND;
    if (segment && segment->format == GST_FORMAT_TIME)
      st.timing.mapped_back_s = (static_cast<double>(segment->start) - static_cast<double>(segment->time)) / GST_SECOND;
  }

  // --- called on the caller's thread ---

  // origin_s and clock_start_s of a prerolled file: the title starts at its
  // first frame's stream time, else at its first audio sample's, else where
  // the earliest track's segment begins, which is where the clock starts.
  void find_title_start() {
    for (StreamKind kind : {kVideo, kAudio}) {
      GstElement* sink = nullptr;
      {
        std::lock_guard<std::mutex> lock(mu);
        sink = streams[kind].sink;
      }
      if (!sink) continue;
      GstSample* sample = gst_app_sink_try_pull_preroll(GST_APP_SINK(sink), 0);
      if (!sample) continue;
      std::lock_guard<std::mutex> lock(mu);
      Stream& st = streams[kind];
      const GstClockTime pts = GST_BUFFER_PTS(gst_sample_get_buffer(sample));
      const GstSegment* segment = st.timeline ? &*st.timeline : gst_sample_get_segment(sample);
      if (const auto t = stream_time_of(pts, segment)) note_first(st, pts, *t, segment);
      gst_sample_unref(sample);
    }
    std::lock_guard<std::mutex> lock(mu);
    std::optional<GstClockTime> earliest;
    for (const Stream& st : streams)
      if (st.first_segment_time && (!earliest || *st.first_segment_time < *earliest)) earliest = st.first_segment_time;
    clock_start_s = earliest ? static_cast<double>(*earliest) / GST_SECOND : 0.0;
    origin_s = clock_start_s;
    for (StreamKind kind : {kAudio, kVideo})  // the video's, where there is one
      if (streams[kind].timing.present) origin_s = std::max(0.0, streams[kind].timing.first_s);
    clock_start_s = std::min(clock_start_s, origin_s);
  }

  // Raises the pipeline's first error, naming the URI.
  void check_bus() {
    while (GstMessage* msg = gst_bus_pop_filtered(bus, static_cast<GstMessageType>(GST_MESSAGE_ERROR | GST_MESSAGE_WARNING))) {
      GError* err = nullptr;
      gchar* debug = nullptr;
      const bool error = GST_MESSAGE_TYPE(msg) == GST_MESSAGE_ERROR;
      if (error)
        gst_message_parse_error(msg, &err, &debug);
      else
        gst_message_parse_warning(msg, &err, &debug);
      std::string text = err ? err->message : "unknown";
      if (err) g_error_free(err);
      g_free(debug);
      gst_message_unref(msg);
      if (error) throw std::runtime_error(uri + ": " + text);
      AVFLOW_LOG(warn) << uri << ": " << text;
    }
  }

  // Waits (lock held) until `ready`, checking the bus and the timeout.
  template <class Pred>
  void wait(std::unique_lock<std::mutex>& lock, StreamKind kind, Pred ready) {
    waiting_for = kind;
    cv.notify_all();
    last_progress = Clock::now();
    while (!ready()) {
      cv.wait_for(lock, std::chrono::milliseconds(50));
      lock.unlock();
      try {
        check_bus();
      } catch (...) {
        lock.lock();
        waiting_for = kNone;
        throw;
      }
      lock.lock();
      if (!ready() && settings.interrupted && settings.interrupted()) {
        waiting_for = kNone;
        throw std::runtime_error(uri + ": interrupted");
      }
      if (!ready() && std::chrono::duration<double>(Clock::now() - last_progress).count() > settings.timeout_s) {
        waiting_for = kNone;
        throw std::runtime_error(uri + ": no data for " + std::to_string(static_cast<int>(settings.timeout_s)) +
                                 " s (the source stalled or does not answer)");
      }
    }
    waiting_for = kNone;
    cv.notify_all();
  }
};

MediaDecoder::MediaDecoder(const std::string& path_or_uri, const DecodeSettings& settings)
    : s_(std::make_unique<State>()) {
  ensure_gstreamer();
  if (settings.channels != 1 && settings.channels != 2) throw std::invalid_argument("channels must be 1 or 2");
  if (!(settings.fps > 0)) throw std::invalid_argument("fps must be positive");
  s_->settings = settings;
  s_->uri = to_uri(path_or_uri);
  if (s_->uri.rfind("file://", 0) == 0) {
    gchar* file = g_filename_from_uri(s_->uri.c_str(), nullptr, nullptr);
    const bool readable = file && std::filesystem::is_regular_file(file);
    g_free(file);
    if (!readable) throw std::runtime_error(path_or_uri + ": no such file");
  }
  s_->pipeline = gst_pipeline_new("avflow-decode");
  s_->bus = gst_element_get_bus(s_->pipeline);
  GstElement* src = s_->add_element("uridecodebin", {{"uri", s_->uri.c_str()}});
  g_signal_connect(src, "pad-added", G_CALLBACK(+[](GstElement*, GstPad* pad, gpointer user) {
                     State::from_callback(user)->on_pad(pad);
                   }), s_.get());
  if (settings.jitter_buffer_ms >= 0)
    g_signal_connect(src, "source-setup", G_CALLBACK(+[](GstElement*, GstElement* source, gpointer user) {
                       set_jitter_buffer(source, State::from_callback(user)->settings.jitter_buffer_ms);
                     }), s_.get());
  g_signal_connect(src, "no-more-pads", G_CALLBACK(+[](GstElement*, gpointer user) {
                     auto* st = State::from_callback(user);
                     std::lock_guard<std::mutex> lock(st->mu);
                     st->pads_done = true;
                     st->cv.notify_all();
                   }), s_.get());

  // Preroll paused, seek if asked, then play.
  const auto timeout = static_cast<GstClockTime>(settings.timeout_s * GST_SECOND);
  auto fail = [&](const std::string& what) {
    s_->check_bus();
    throw std::runtime_error(s_->uri + ": " + what);
  };
  s_->built.store(true, std::memory_order_release);
  GstStateChangeReturn r = gst_element_set_state(s_->pipeline, GST_STATE_PAUSED);
  if (r == GST_STATE_CHANGE_FAILURE) fail("cannot be opened");
  r = gst_element_get_state(s_->pipeline, nullptr, nullptr, timeout);
  if (r == GST_STATE_CHANGE_FAILURE) fail("cannot be decoded");
  if (r == GST_STATE_CHANGE_ASYNC) fail("did not start within " + std::to_string(static_cast<int>(settings.timeout_s)) + " s");
  {
    std::unique_lock<std::mutex> lock(s_->mu);
    s_->wait(lock, kNone, [&] { return s_->pads_done || r == GST_STATE_CHANGE_NO_PREROLL; });
  }
  {
    // Prerolled: each sink holds its first sample (or a gap). A live source
    // (no preroll) keeps its own timeline.
    if (r != GST_STATE_CHANGE_NO_PREROLL) s_->find_title_start();
  }
  if (auto d = duration_s()) {
    std::lock_guard<std::mutex> lock(s_->mu);
    s_->content_end_s = *d - settings.start_s;
  }
  if (settings.start_s > 0) {
    if (!gst_element_seek_simple(s_->pipeline, GST_FORMAT_TIME,
                                 static_cast<GstSeekFlags>(GST_SEEK_FLAG_FLUSH | GST_SEEK_FLAG_ACCURATE),
                                 static_cast<gint64>((s_->origin_s + settings.start_s) * GST_SECOND)))
      fail("does not support seeking");
    if (gst_element_get_state(s_->pipeline, nullptr, nullptr, timeout) == GST_STATE_CHANGE_FAILURE) fail("seek failed");
  }
  if (r == GST_STATE_CHANGE_NO_PREROLL) s_->live = true;  // its buffers flow only once it plays
  if (gst_element_set_state(s_->pipeline, GST_STATE_PLAYING) == GST_STATE_CHANGE_FAILURE) fail("cannot play");
  if (r == GST_STATE_CHANGE_NO_PREROLL) {
    // A live source (rtsp://) adds its pads only once it plays.
    std::unique_lock<std::mutex> lock(s_->mu);
    s_->wait(lock, kNone, [&] {
      const bool video = !settings.video || s_->streams[kVideo].sink, audio = !settings.audio || s_->streams[kAudio].sink;
      return s_->pads_done || (video && audio);
    });
  }
  if (!has_video() && !has_audio()) fail("has no decodable audio or video stream");
}

MediaDecoder::~MediaDecoder() = default;

bool MediaDecoder::has_video() const {
  std::lock_guard<std::mutex> lock(s_->mu);
  return s_->streams[kVideo].sink != nullptr;
}
bool MediaDecoder::has_audio() const {
  std::lock_guard<std::mutex> lock(s_->mu);
  return s_->streams[kAudio].sink != nullptr;
}
int64_t MediaDecoder::width() const { return s_->width; }
int64_t MediaDecoder::height() const { return s_->height; }
const std::string& MediaDecoder::uri() const { return s_->uri; }

std::optional<double> MediaDecoder::duration_s() const {
  gint64 d = 0;
  if (!gst_element_query_duration(s_->pipeline, GST_FORMAT_TIME, &d) || d <= 0) return std::nullopt;
  std::lock_guard<std::mutex> lock(s_->mu);
  return std::max(0.0, static_cast<double>(d) / GST_SECOND - (s_->origin_s - s_->clock_start_s));
}

std::optional<at::Tensor> MediaDecoder::next_frame() {
  auto frame = next_timed_frame();
  if (!frame) return std::nullopt;
  return std::move(frame->pixels);
}

std::optional<MediaDecoder::TimedFrame> MediaDecoder::next_timed_frame() {
  std::unique_lock<std::mutex> lock(s_->mu);
  Stream& v = s_->streams[kVideo];
  if (!v.sink) return std::nullopt;
  s_->wait(lock, kVideo, [&] { return !v.chunks.empty() || v.eos; });
  if (v.chunks.empty()) return std::nullopt;
  TimedFrame frame{std::move(v.chunks.front().data), v.chunks.front().arrived, v.taken + v.skipped};
  v.chunks.pop_front();
  ++v.taken;
  v.buffered_s -= static_cast<double>(s_->fps_d) / s_->fps_n;
  s_->cv.notify_all();
  return frame;
}

bool MediaDecoder::live() const { return s_->live; }

MediaDecoder::Timing MediaDecoder::timing() const {
  std::lock_guard<std::mutex> lock(s_->mu);
  Timing t;
  t.origin_s = s_->origin_s;
  t.video = s_->streams[kVideo].timing;
  t.audio = s_->streams[kAudio].timing;
  t.video.present = t.video.present || s_->streams[kVideo].sink != nullptr;
  t.audio.present = t.audio.present || s_->streams[kAudio].sink != nullptr;
  return t;
}

MediaDecoder::ReadAhead MediaDecoder::peak_read_ahead() const {
  std::lock_guard<std::mutex> lock(s_->mu);
  return {s_->streams[kVideo].peak_buffered_s, s_->streams[kAudio].peak_buffered_s};
}

int64_t MediaDecoder::audio_position() const {
  std::lock_guard<std::mutex> lock(s_->mu);
  const Stream& a = s_->streams[kAudio];
  return std::max(a.taken + a.skipped, a.discard_before);
}

void MediaDecoder::skip_audio_to(int64_t position) {
  std::lock_guard<std::mutex> lock(s_->mu);
  Stream& a = s_->streams[kAudio];
  a.discard_before = std::max(a.discard_before, position);
  s_->discard_audio();
  s_->cv.notify_all();
}

at::Tensor MediaDecoder::read_audio(int64_t samples) {
  const int channels = s_->settings.channels;
  at::Tensor out = at::empty({samples, channels}, at::kFloat);
  int64_t filled = 0;
  std::unique_lock<std::mutex> lock(s_->mu);
  Stream& a = s_->streams[kAudio];
  if (!a.sink) return out.slice(0, 0, 0);
  while (filled < samples) {
    s_->wait(lock, kAudio, [&] { return !a.chunks.empty() || a.eos; });
    if (a.chunks.empty()) break;
    at::Tensor& front = a.chunks.front().data;
    const int64_t offset = static_cast<int64_t>(a.front_offset);
    const int64_t take = std::min(samples - filled, front.size(0) - offset);
    out.slice(0, filled, filled + take).copy_(front.slice(0, offset, offset + take));
    filled += take;
    a.front_offset += static_cast<size_t>(take);
    a.taken += take;
    a.buffered_s -= static_cast<double>(take) / static_cast<double>(s_->settings.sample_rate);
    if (static_cast<int64_t>(a.front_offset) == front.size(0)) {
      a.chunks.pop_front();
      a.front_offset = 0;
    }
    s_->cv.notify_all();
  }
  return out.slice(0, 0, filled);
}

}  // namespace avflow::media
