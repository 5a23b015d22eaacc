#include "libs/media/appsrc_encoder.h"

#include <gst/app/gstappsrc.h>
#include <gst/gst.h>

#include <cstring>
#include <stdexcept>

#include "libs/media/gst_init.h"

namespace avflow::media {

namespace {
std::string error_text(GstMessage* msg) {
  GError* e = nullptr;
  gchar* debug = nullptr;
  gst_message_parse_error(msg, &e, &debug);
  std::string s = e ? e->message : "unknown error";
  if (debug) s += std::string(" (") + debug + ")";
  if (e) g_error_free(e);
  g_free(debug);
  return s;
}
}  // namespace

struct AppSrcEncoder::Impl {
  GstElement* pipeline = nullptr;
  GstElement* sources[2] = {nullptr, nullptr};
  GstBus* bus = nullptr;
  ~Impl() {
    if (pipeline) gst_element_set_state(pipeline, GST_STATE_NULL);
    for (auto* s : sources)
      if (s) gst_object_unref(s);
    if (bus) gst_object_unref(bus);
    if (pipeline) gst_object_unref(pipeline);
  }
  // The first error posted so far, if any.
  std::string pending_error() {
    GstMessage* m = gst_bus_pop_filtered(bus, GST_MESSAGE_ERROR);
    if (!m) return {};
    std::string s = error_text(m);
    gst_message_unref(m);
    return s;
  }
};

uint64_t media_time_ns(int64_t index, int64_t rate) {
  return gst_util_uint64_scale(static_cast<guint64>(index), GST_SECOND, static_cast<guint64>(rate));
}

AppSrcEncoder::AppSrcEncoder(const std::string& pipeline, const std::filesystem::path& file, std::string what)
    : impl_(std::make_unique<Impl>()), what_(std::move(what)) {
  ensure_gstreamer();
  GError* err = nullptr;
  impl_->pipeline = gst_parse_launch(pipeline.c_str(), &err);
  if (!impl_->pipeline || err) {
    const std::string msg = err ? err->message : "unknown";
    if (err) g_error_free(err);
    throw std::runtime_error(what_ + ": encoder pipeline: " + msg);
  }
  GstElement* sink = gst_bin_get_by_name(GST_BIN(impl_->pipeline), "sink");
  if (!sink) throw std::runtime_error(what_ + ": encoder pipeline has no element named 'sink'");
  g_object_set(sink, "location", file.c_str(), nullptr);
  gst_object_unref(sink);
  impl_->sources[kVideo] = gst_bin_get_by_name(GST_BIN(impl_->pipeline), "video");
  impl_->sources[kAudio] = gst_bin_get_by_name(GST_BIN(impl_->pipeline), "audio");
  impl_->bus = gst_element_get_bus(impl_->pipeline);
  if (gst_element_set_state(impl_->pipeline, GST_STATE_PLAYING) == GST_STATE_CHANGE_FAILURE)
    throw std::runtime_error(what_ + ": cannot start the encoder: " + impl_->pending_error());
}

AppSrcEncoder::~AppSrcEncoder() = default;

void AppSrcEncoder::push(Source source, const void* data, size_t bytes, uint64_t pts_ns, uint64_t duration_ns) {
  GstElement* src = impl_->sources[source];
  if (!src) throw std::logic_error(what_ + ": the encoder pipeline has no appsrc for this source");
  GstBuffer* buffer = gst_buffer_new_allocate(nullptr, bytes, nullptr);
  GstMapInfo map;
  gst_buffer_map(buffer, &map, GST_MAP_WRITE);
  std::memcpy(map.data, data, bytes);
  gst_buffer_unmap(buffer, &map);
  GST_BUFFER_PTS(buffer) = pts_ns;
  GST_BUFFER_DURATION(buffer) = duration_ns;
  if (gst_app_src_push_buffer(GST_APP_SRC(src), buffer) != GST_FLOW_OK) {
    const std::string e = impl_->pending_error();
    throw std::runtime_error(what_ + ": " + (e.empty() ? std::string("the encoder stopped") : e));
  }
}

void AppSrcEncoder::check() {
  const std::string e = impl_->pending_error();
  if (!e.empty()) throw std::runtime_error(what_ + ": " + e);
}

void AppSrcEncoder::finish(double timeout_s) {
  for (auto* s : impl_->sources)
    if (s) gst_app_src_end_of_stream(GST_APP_SRC(s));
  GstMessage* msg = gst_bus_timed_pop_filtered(impl_->bus, static_cast<GstClockTime>(timeout_s * GST_SECOND),
                                               static_cast<GstMessageType>(GST_MESSAGE_EOS | GST_MESSAGE_ERROR));
  if (!msg) throw std::runtime_error(what_ + ": timed out waiting for the end of stream");
  const bool failed = GST_MESSAGE_TYPE(msg) == GST_MESSAGE_ERROR;
  const std::string e = failed ? error_text(msg) : "";
  gst_message_unref(msg);
  if (failed) throw std::runtime_error(what_ + ": " + e);
}

}  // namespace avflow::media
