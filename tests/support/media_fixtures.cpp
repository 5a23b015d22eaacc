#include "tests/support/media_fixtures.h"

#include <gst/gst.h>

#include <cmath>
#include <stdexcept>

#include "libs/media/gst_init.h"

namespace avflow::test {

std::filesystem::path write_test_media(const std::filesystem::path& file, const MediaSpec& spec) {
  media::ensure_gstreamer();
  // MJPEG + PCM, as cameras and the RTSP test server use; in QuickTime with
  // the streams stored in runs of interleave_s each.
  const bool mov = file.extension() == ".mov";
  const bool avi = file.extension() == ".avi" || mov;
  const std::string mux =
      mov ? "qtmux interleave-time=" + std::to_string(std::llround(spec.interleave_s * 1e9)) : avi ? "avimux" : "webmmux";
  std::string desc = mux + " name=mux ! filesink location=\"" + file.string() + "\" ";
  if (spec.video) {
    const long frames = std::lround(spec.seconds * spec.fps);
    desc += "videotestsrc num-buffers=" + std::to_string(frames) + " pattern=ball ! video/x-raw,width=" +
            std::to_string(spec.width) + ",height=" + std::to_string(spec.height) + ",framerate=" +
            std::to_string(spec.fps) + "/1 ! videoconvert ! " +
            (spec.drop_probability > 0 ? "identity drop-probability=" + std::to_string(spec.drop_probability) + " ! " : "") +
            (avi ? "jpegenc quality=85" : "vp8enc deadline=1") + " ! queue ! mux. ";
  }
  if (spec.audio) {
    const int per_buffer = spec.audio_rate / 100;  // 10 ms buffers
    const long buffers = std::lround(spec.seconds * 100);
    desc += "audiotestsrc num-buffers=" + std::to_string(buffers) + " samplesperbuffer=" + std::to_string(per_buffer) +
            " freq=" + std::to_string(spec.tone_hz) + " ! audio/x-raw,format=F32LE,rate=" + std::to_string(spec.audio_rate) +
            ",channels=" + std::to_string(spec.audio_channels) + " ! audioconvert ! " +
            (avi ? "audio/x-raw,format=S16LE" : "vorbisenc") + " ! queue ! mux. ";
  }
  GError* err = nullptr;
  GstElement* pipeline = gst_parse_launch(desc.c_str(), &err);
  if (!pipeline || err) {
    std::string msg = err ? err->message : "unknown";
    if (err) g_error_free(err);
    if (pipeline) gst_object_unref(pipeline);
    throw std::runtime_error("test media pipeline: " + msg + " in: " + desc);
  }
  gst_element_set_state(pipeline, GST_STATE_PLAYING);
  GstBus* bus = gst_element_get_bus(pipeline);
  GstMessage* msg = gst_bus_timed_pop_filtered(bus, 60 * GST_SECOND,
                                               static_cast<GstMessageType>(GST_MESSAGE_EOS | GST_MESSAGE_ERROR));
  std::string error;
  if (!msg) {
    error = "timed out";
  } else if (GST_MESSAGE_TYPE(msg) == GST_MESSAGE_ERROR) {
    GError* e = nullptr;
    gst_message_parse_error(msg, &e, nullptr);
    error = e ? e->message : "unknown";
    if (e) g_error_free(e);
  }
  if (msg) gst_message_unref(msg);
  gst_element_set_state(pipeline, GST_STATE_NULL);
  gst_object_unref(bus);
  gst_object_unref(pipeline);
  if (!error.empty()) throw std::runtime_error("writing test media " + file.string() + ": " + error);
  return file;
}

}  // namespace avflow::test
