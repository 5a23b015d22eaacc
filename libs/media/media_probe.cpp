#include "libs/media/media_probe.h"

#include <gst/gst.h>
#include <gst/pbutils/pbutils.h>

#include <cmath>
#include <cstdio>
#include <memory>
#include <stdexcept>

#include "libs/media/gst_init.h"

namespace avflow::media {

namespace {

std::string seconds(double s) {
  char b[32];
  std::snprintf(b, sizeof b, "%.3f s", s);
  return b;
}

std::string milliseconds(double s) {
  char b[32];
  std::snprintf(b, sizeof b, "%.1f ms", s * 1e3);
  return b;
}

std::string number(double v) {
  char b[32];
  std::snprintf(b, sizeof b, "%g", v);
  return b;
}

std::string codec_of(GstDiscovererStreamInfo* info) {
  GstCaps* caps = gst_discoverer_stream_info_get_caps(info);
  if (!caps) return "unknown";
  gchar* d = gst_pb_utils_get_codec_description(caps);
  gst_caps_unref(caps);
  std::string out = d ? d : "unknown";
  g_free(d);
  return out;
}

// What the container and codecs say, from GStreamer's discoverer; empty
// fields where it cannot tell (a missing plugin still lets the decoder try).
struct Discovered {
  std::string container, video_codec, audio_codec;
  double video_fps = 0;
  std::optional<double> duration_s;
};

Discovered discover(const std::string& uri, double timeout_s) {
  Discovered out;
  GError* err = nullptr;
  GstDiscoverer* d = gst_discoverer_new(static_cast<GstClockTime>(timeout_s * GST_SECOND), &err);
  if (!d) {
    if (err) g_error_free(err);
    return out;
  }
  GstDiscovererInfo* info = gst_discoverer_discover_uri(d, uri.c_str(), &err);
  if (err) g_error_free(err);
  if (info) {
    if (GstDiscovererStreamInfo* top = gst_discoverer_info_get_stream_info(info)) {
      if (GST_IS_DISCOVERER_CONTAINER_INFO(top)) out.container = codec_of(top);
      gst_discoverer_stream_info_unref(top);
    }
    if (GList* v = gst_discoverer_info_get_video_streams(info)) {
      auto* vi = GST_DISCOVERER_VIDEO_INFO(v->data);
      out.video_codec = codec_of(GST_DISCOVERER_STREAM_INFO(vi));
      const guint n = gst_discoverer_video_info_get_framerate_num(vi), den = gst_discoverer_video_info_get_framerate_denom(vi);
      if (n > 0 && den > 0) out.video_fps = static_cast<double>(n) / den;
      gst_discoverer_stream_info_list_free(v);
    }
    if (GList* a = gst_discoverer_info_get_audio_streams(info)) {
      out.audio_codec = codec_of(GST_DISCOVERER_STREAM_INFO(a->data));
      gst_discoverer_stream_info_list_free(a);
    }
    const GstClockTime duration = gst_discoverer_info_get_duration(info);
    if (GST_CLOCK_TIME_IS_VALID(duration) && duration > 0) out.duration_s = static_cast<double>(duration) / GST_SECOND;
    gst_discoverer_info_unref(info);
  }
  g_object_unref(d);
  return out;
}

// Differences below these are the container's rounding, not a correction.
constexpr double kTimeEpsilon = 0.0005, kIntervalSpread = 0.002;

}  // namespace

ProbeReport probe_media(const std::string& path_or_uri, const DecodeSettings& settings, double probe_s) {
  ensure_gstreamer();
  gst_pb_utils_init();
  MediaDecoder decoder(path_or_uri, settings);
  ProbeReport r;
  r.uri = decoder.uri();
  r.live = decoder.live();
  // Frames for their intervals; the audio waits (its read-ahead is bounded).
  const auto frames = static_cast<int64_t>(std::ceil(probe_s * settings.fps));
  if (decoder.has_video())
    for (int64_t k = 0; k < frames && decoder.next_frame(); ++k) {
    }
  const MediaDecoder::Timing t = decoder.timing();
  const Discovered found = discover(r.uri, settings.timeout_s);
  r.container = found.container;
  r.duration_s = decoder.duration_s() ? decoder.duration_s() : found.duration_s;
  r.title_start_s = t.origin_s;

  auto add = [&r](std::string tag, std::string text) {
    r.tags.push_back(std::move(tag));
    r.corrections.push_back(std::move(text));
  };
  auto ms = [](double s) { return std::to_string(std::llround(s * 1e3)) + " ms"; };
  if (t.origin_s > kTimeEpsilon)
    add("starts " + seconds(t.origin_s), "the title starts at its first frame, " + seconds(t.origin_s) + " on the container's clock: times count from there");
  if (t.video.present) {
    ProbedStream v{.kind = "video", .codec = found.video_codec.empty() ? "unknown" : found.video_codec};
    v.width = decoder.width();
    v.height = decoder.height();
    v.fps = t.video.source_fps > 0 ? t.video.source_fps : found.video_fps;
    v.min_interval_s = t.video.min_interval_s;
    v.max_interval_s = t.video.max_interval_s;
    v.variable_frame_rate = v.fps <= 0 || t.video.max_interval_s - t.video.min_interval_s > kIntervalSpread;
    v.start_s = t.video.first_s;
    if (t.video.mapped_back_s > kTimeEpsilon)
      add("video shift " + ms(t.video.mapped_back_s),
          "video: the container shifts its timestamps back by " + seconds(t.video.mapped_back_s) +
              " (an edit list, or where its clock starts): the first frame, stamped " +
              seconds(t.video.first_stamped_s) + ", plays at " + seconds(t.video.first_s));
    if (v.variable_frame_rate)
      add("variable fps", "video: the frame rate varies (frames " + milliseconds(v.min_interval_s) + " to " +
                  milliseconds(v.max_interval_s) + " apart): each output frame shows the frame of its time, at " +
                  number(settings.fps) + " fps");
    else if (std::abs(v.fps - settings.fps) > 1e-6)
      add(number(v.fps) + ">" + number(settings.fps) + " fps", "video: " + number(v.fps) + " fps to " + number(settings.fps) + " fps (frames repeated or dropped)");
    r.streams.push_back(v);
  } else {
    add("no video", "no video: the title starts at its first sample");
  }
  if (t.audio.present) {
    ProbedStream a{.kind = "audio", .codec = found.audio_codec.empty() ? "unknown" : found.audio_codec};
    a.rate = t.audio.source_rate;
    a.channels = t.audio.source_channels;
    a.start_s = t.audio.first_s;
    if (t.audio.mapped_back_s > kTimeEpsilon && !t.audio.lead_in_trimmed)
      add("priming " + ms(t.audio.mapped_back_s),
          "audio: what is stamped before " + seconds(t.audio.mapped_back_s) +
              " (encoder priming the file records, or an edit) is not played");
    if (t.audio.lead_in_trimmed)
      add("lead-in " + ms(t.origin_s - t.audio.first_s), "audio: a lead-in stamped before the first frame (an encoder's priming, as Matroska keeps it) is trimmed");
    const double late = t.audio.first_s - t.origin_s;
    if (late > kTimeEpsilon)
      add("audio +" + seconds(late), "audio: starts " + seconds(late) + " after the first frame: silence until then");
    else if (late < -kTimeEpsilon && !t.audio.lead_in_trimmed)
      add("audio -" + seconds(-late), "audio: starts " + seconds(-late) + " before the first frame: that much is trimmed");
    if (a.rate > 0 && a.rate != settings.sample_rate)
      add(std::to_string(a.rate) + ">" + std::to_string(settings.sample_rate) + " Hz", "audio: " + std::to_string(a.rate) + " Hz resampled to " + std::to_string(settings.sample_rate) +
                  " Hz, after gaps are filled");
    if (a.channels > 0 && a.channels != settings.channels)
      add(std::to_string(a.channels) + ">" + std::to_string(settings.channels) + " ch", "audio: " + std::to_string(a.channels) + " channels " +
                  (settings.channels == 1 ? std::string("mixed down to mono") : "to " + std::to_string(settings.channels)));
    r.streams.push_back(a);
  } else {
    add("no audio", "no audio");
  }
  return r;
}

std::string describe(const ProbeReport& r) {
  std::string out = r.uri + "\n  " + (r.container.empty() ? std::string("container unknown") : r.container) +
                    (r.duration_s ? ", " + seconds(*r.duration_s) : std::string()) + (r.live ? ", live" : "") +
                    "; the title starts at " + seconds(r.title_start_s) + "\n";
  for (const auto& s : r.streams) {
    out += "  " + s.kind + "  " + s.codec + "  ";
    if (s.kind == "video") {
      out += std::to_string(s.width) + "x" + std::to_string(s.height) + "  ";
      out += s.variable_frame_rate ? "variable frame rate" : number(s.fps) + " fps";
    } else {
      out += std::to_string(s.rate) + " Hz  " + std::to_string(s.channels) + " ch";
    }
    out += "  from " + seconds(s.start_s) + "\n";
  }
  out += "  decoding:\n";
  if (r.corrections.empty()) out += "    - nothing to correct: decoded as stamped\n";
  for (const auto& c : r.corrections) out += "    - " + c + "\n";
  return out;
}

}  // namespace avflow::media
