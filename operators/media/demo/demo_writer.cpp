#include "operators/media/demo/demo_writer.h"

#include <gst/app/gstappsrc.h>
#include <gst/gst.h>

#include <chrono>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <map>
#include <sstream>
#include <stdexcept>
#include <string>
#include <system_error>

#include "operators/media/demo/demo_render.h"
#include "operators/media/gst_init.h"

namespace avflow::media::demo {

namespace fs = std::filesystem;

namespace {

const char* const kPipeline =
    "appsrc name=video format=time block=true max-bytes=1000000 "
    "caps=video/x-raw,format=RGB,width=320,height=180,framerate=25/1,pixel-aspect-ratio=1/1 "
    "! videoconvert ! vp8enc deadline=1 keyframe-max-dist=50 "
    "! queue max-size-buffers=0 max-size-bytes=0 max-size-time=0 ! webmmux name=mux ! filesink name=sink "
    "appsrc name=audio format=time block=true max-bytes=200000 "
    "caps=audio/x-raw,format=F32LE,rate=48000,channels=2,layout=interleaved "
    "! audioconvert ! vorbisenc ! queue max-size-buffers=0 max-size-bytes=0 max-size-time=0 ! mux.";

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

// Owns the pipeline; stops and releases it on every path.
struct Pipeline {
  GstElement* pipeline = nullptr;
  GstElement* video = nullptr;
  GstElement* audio = nullptr;
  GstBus* bus = nullptr;
  ~Pipeline() {
    if (pipeline) gst_element_set_state(pipeline, GST_STATE_NULL);
    if (video) gst_object_unref(video);
    if (audio) gst_object_unref(audio);
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

void encode(const DemoTitle& title, const fs::path& file) {
  ensure_gstreamer();
  GError* err = nullptr;
  Pipeline p;
  p.pipeline = gst_parse_launch(kPipeline, &err);
  if (!p.pipeline || err) {
    std::string msg = err ? err->message : "unknown";
    if (err) g_error_free(err);
    throw std::runtime_error("demo encoder pipeline: " + msg);
  }
  GstElement* sink = gst_bin_get_by_name(GST_BIN(p.pipeline), "sink");
  g_object_set(sink, "location", file.c_str(), nullptr);
  gst_object_unref(sink);
  p.video = gst_bin_get_by_name(GST_BIN(p.pipeline), "video");
  p.audio = gst_bin_get_by_name(GST_BIN(p.pipeline), "audio");
  p.bus = gst_element_get_bus(p.pipeline);
  if (gst_element_set_state(p.pipeline, GST_STATE_PLAYING) == GST_STATE_CHANGE_FAILURE)
    throw std::runtime_error("demo encoder: cannot start: " + p.pending_error());

  const size_t frame_bytes = static_cast<size_t>(kWidth) * kHeight * 3;
  const size_t audio_bytes = static_cast<size_t>(kSamplesPerFrame) * kChannels * sizeof(float);
  // Frame k and the audio of its 40 ms, in time order, so the muxer always has both.
  for (int64_t k = 0; k < title.frames; ++k) {
    GstBuffer* v = gst_buffer_new_allocate(nullptr, frame_bytes, nullptr);
    GstMapInfo map;
    gst_buffer_map(v, &map, GST_MAP_WRITE);
    render_frame(title, k, map.data);
    gst_buffer_unmap(v, &map);
    GST_BUFFER_PTS(v) = gst_util_uint64_scale(static_cast<guint64>(k), GST_SECOND, kFps);
    GST_BUFFER_DURATION(v) = gst_util_uint64_scale(static_cast<guint64>(k + 1), GST_SECOND, kFps) - GST_BUFFER_PTS(v);
    GstFlowReturn vr = gst_app_src_push_buffer(GST_APP_SRC(p.video), v);

    const int64_t first = k * kSamplesPerFrame;
    GstBuffer* a = gst_buffer_new_allocate(nullptr, audio_bytes, nullptr);
    gst_buffer_map(a, &map, GST_MAP_WRITE);
    render_audio(title, first, kSamplesPerFrame, reinterpret_cast<float*>(map.data));
    gst_buffer_unmap(a, &map);
    GST_BUFFER_PTS(a) = gst_util_uint64_scale(static_cast<guint64>(first), GST_SECOND, kSampleRate);
    GST_BUFFER_DURATION(a) =
        gst_util_uint64_scale(static_cast<guint64>(first + kSamplesPerFrame), GST_SECOND, kSampleRate) - GST_BUFFER_PTS(a);
    GstFlowReturn ar = gst_app_src_push_buffer(GST_APP_SRC(p.audio), a);

    if (vr != GST_FLOW_OK || ar != GST_FLOW_OK || (k % kFps == 0 && !p.pending_error().empty())) {
      std::string e = p.pending_error();
      throw std::runtime_error("demo encoder: " + (e.empty() ? std::string("pipeline stopped") : e));
    }
  }
  gst_app_src_end_of_stream(GST_APP_SRC(p.video));
  gst_app_src_end_of_stream(GST_APP_SRC(p.audio));
  GstMessage* msg = gst_bus_timed_pop_filtered(p.bus, 120 * GST_SECOND,
                                               static_cast<GstMessageType>(GST_MESSAGE_EOS | GST_MESSAGE_ERROR));
  if (!msg) throw std::runtime_error("demo encoder: timed out waiting for the end of stream");
  const bool failed = GST_MESSAGE_TYPE(msg) == GST_MESSAGE_ERROR;
  const std::string e = failed ? error_text(msg) : "";
  gst_message_unref(msg);
  if (failed) throw std::runtime_error("demo encoder: " + e);
}

// The record of written files: "<bytes>\t<fingerprint>\t<relative path>" a line.
using Record = std::map<std::string, std::pair<uintmax_t, std::string>>;
const char* const kRecordName = ".demo-catalogue";

Record read_record(const fs::path& out) {
  Record r;
  std::ifstream in(out / kRecordName);
  std::string line;
  while (std::getline(in, line)) {
    const auto a = line.find('\t'), b = line.find('\t', a == std::string::npos ? a : a + 1);
    if (a == std::string::npos || b == std::string::npos) continue;
    try {
      r[line.substr(b + 1)] = {std::stoull(line.substr(0, a)), line.substr(a + 1, b - a - 1)};
    } catch (const std::exception&) {
      // a damaged line only costs a rewrite of that title
    }
  }
  return r;
}

// Writes `text` to `file` through a temporary name and a rename.
void write_atomically(const fs::path& file, const std::string& text) {
  const fs::path tmp = file.parent_path() / ("." + file.filename().string() + ".partial");
  {
    std::ofstream o(tmp, std::ios::binary | std::ios::trunc);
    o << text;
    if (!o.flush()) throw std::runtime_error("cannot write " + tmp.string());
  }
  fs::rename(tmp, file);
}

void write_record(const fs::path& out, const Record& r) {
  std::string text;
  for (const auto& [path, e] : r) text += std::to_string(e.first) + "\t" + e.second + "\t" + path + "\n";
  write_atomically(out / kRecordName, text);
}

std::string manifest_text(const DemoCatalogueOptions& o, const std::vector<DemoTitleRef>& titles) {
  std::ostringstream s;
  s << "# The avflow demo catalogue (avflow demo-catalogue): seed " << o.seed << ", " << o.movies << " movies, "
    << o.shows << " shows x " << o.episodes << " episodes, " << o.minutes << " minutes per title.\n"
    << "# The same titles are found by scanning this folder (movies/, tv/<show>/).\n";
  for (const auto& t : titles) {
    s << "\n[[title]]\nid = \"" << t.id << "\"\npath = \"" << t.path << "\"\n";
    if (!t.show.empty()) s << "show = \"" << t.show << "\"\n";
    s << "genre = \"" << t.genre << "\"\n";
  }
  return s.str();
}

}  // namespace

void write_demo_title(const DemoTitle& title, const fs::path& file) {
  const fs::path tmp = file.parent_path() / ("." + file.filename().string() + ".partial");
  try {
    encode(title, tmp);
    fs::rename(tmp, file);
  } catch (...) {
    std::error_code ignored;
    fs::remove(tmp, ignored);
    throw;
  }
}

DemoCatalogueReport write_demo_catalogue(const fs::path& out, const DemoCatalogueOptions& o,
                                         const std::function<void(const DemoProgress&)>& progress) {
  if (o.movies < 0 || o.shows < 0 || o.episodes < 1 || !(o.minutes > 0) || o.minutes > 600)
    throw std::invalid_argument("demo catalogue: need movies >= 0, shows >= 0, episodes >= 1, 0 < minutes <= 600");
  const std::vector<DemoTitleRef> titles = demo_titles(o);
  const double seconds = o.minutes * 60.0;
  char fingerprint[96];
  std::snprintf(fingerprint, sizeof fingerprint, "v1 seed=%llu seconds=%.6g",
                static_cast<unsigned long long>(o.seed), seconds);
  fs::create_directories(out);
  Record record = read_record(out);
  DemoCatalogueReport report;
  for (size_t i = 0; i < titles.size(); ++i) {
    const auto started = std::chrono::steady_clock::now();
    const DemoTitleRef& ref = titles[i];
    const fs::path file = out / ref.path;
    std::error_code ec;
    const uintmax_t size = fs::file_size(file, ec);
    auto known = record.find(ref.path);
    const bool skip = !ec && known != record.end() && known->second.first == size && known->second.second == fingerprint;
    if (!skip) {
      fs::create_directories(file.parent_path());
      write_demo_title(plan_title(o.seed, ref, seconds), file);
      record[ref.path] = {fs::file_size(file), fingerprint};
      write_record(out, record);
      ++report.written;
    } else {
      ++report.skipped;
    }
    if (progress)
      progress({ref, i + 1, titles.size(), skip,
                std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count()});
  }
  write_atomically(out / "catalogue.toml", manifest_text(o, titles));
  return report;
}

}  // namespace avflow::media::demo
