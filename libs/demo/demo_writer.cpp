#include "libs/demo/demo_writer.h"

#include <chrono>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <map>
#include <sstream>
#include <stdexcept>
#include <string>
#include <system_error>
#include <vector>

#include "engine/atomic_file.h"
#include "libs/demo/demo_render.h"
#include "libs/media/appsrc_encoder.h"

namespace avflow::demo {

namespace fs = std::filesystem;
using media::AppSrcEncoder;
using media::media_time_ns;

namespace {

const char* const kPipeline =
    "appsrc name=video format=time block=true max-bytes=1000000 "
    "caps=video/x-raw,format=RGB,width=320,height=180,framerate=25/1,pixel-aspect-ratio=1/1 "
    "! videoconvert ! vp8enc deadline=1 keyframe-max-dist=50 "
    "! queue max-size-buffers=0 max-size-bytes=0 max-size-time=0 ! webmmux name=mux ! filesink name=sink "
    "appsrc name=audio format=time block=true max-bytes=200000 "
    "caps=audio/x-raw,format=F32LE,rate=48000,channels=2,layout=interleaved "
    "! audioconvert ! vorbisenc ! queue max-size-buffers=0 max-size-bytes=0 max-size-time=0 ! mux.";

void encode(const DemoTitle& title, const fs::path& file) {
  AppSrcEncoder encoder(kPipeline, file, "demo encoder");
  std::vector<uint8_t> frame(static_cast<size_t>(kWidth) * kHeight * 3);
  std::vector<float> audio(static_cast<size_t>(kSamplesPerFrame) * kChannels);
  // Frame k and the audio of its 40 ms, in time order, so the muxer always has both.
  for (int64_t k = 0; k < title.frames; ++k) {
    render_frame(title, k, frame.data());
    encoder.push(AppSrcEncoder::kVideo, frame.data(), frame.size(), media_time_ns(k, kFps),
                 media_time_ns(k + 1, kFps) - media_time_ns(k, kFps));
    const int64_t first = k * kSamplesPerFrame;
    render_audio(title, first, kSamplesPerFrame, audio.data());
    encoder.push(AppSrcEncoder::kAudio, audio.data(), audio.size() * sizeof(float), media_time_ns(first, kSampleRate),
                 media_time_ns(first + kSamplesPerFrame, kSampleRate) - media_time_ns(first, kSampleRate));
    if (k % kFps == 0) encoder.check();
  }
  encoder.finish();
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

void write_record(const fs::path& out, const Record& r) {
  std::string text;
  for (const auto& [path, e] : r) text += std::to_string(e.first) + "\t" + e.second + "\t" + path + "\n";
  write_text_atomically(out / kRecordName, text);
}

std::string manifest_text(const DemoCatalogueOptions& o, const std::vector<DemoTitleRef>& titles) {
  std::ostringstream s;
  s << "# The avflow demo catalogue (avflow demo-catalogue): seed " << o.seed << ", " << o.movies << " movies, "
    << o.shows << " shows x " << o.episodes << " episodes, " << o.minutes << " minutes per title"
    << (o.arrow_of_time ? ", with an arrow of time" : "") << ".\n"
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
  write_file_atomically(file, [&](const fs::path& tmp) { encode(title, tmp); });
}

DemoCatalogueReport write_demo_catalogue(const fs::path& out, const DemoCatalogueOptions& o,
                                         const std::function<void(const DemoProgress&)>& progress) {
  if (o.movies < 0 || o.shows < 0 || o.episodes < 1 || !(o.minutes > 0) || o.minutes > 600)
    throw std::invalid_argument("demo catalogue: need movies >= 0, shows >= 0, episodes >= 1, 0 < minutes <= 600");
  const std::vector<DemoTitleRef> titles = demo_titles(o);
  const double seconds = o.minutes * 60.0;
  char fingerprint[96];
  std::snprintf(fingerprint, sizeof fingerprint, "v1 seed=%llu seconds=%.6g%s",
                static_cast<unsigned long long>(o.seed), seconds, o.arrow_of_time ? " arrow-of-time" : "");
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
      write_demo_title(plan_title(o.seed, ref, seconds, o.arrow_of_time), file);
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
  write_text_atomically(out / "catalogue.toml", manifest_text(o, titles));
  return report;
}

}  // namespace avflow::demo
