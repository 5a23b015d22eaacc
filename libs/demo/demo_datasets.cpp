#include "libs/demo/demo_datasets.h"

#include <cctype>
#include <cstdio>
#include <fstream>
#include <functional>
#include <stdexcept>

#include "engine/atomic_file.h"
#include "libs/demo/demo_clip.h"
#include "libs/media/appsrc_encoder.h"

namespace avflow::demo {

namespace fs = std::filesystem;
using media::AppSrcEncoder;
using media::media_time_ns;

namespace {

constexpr int kVideoAudioRate = 48000;
constexpr int kEscRate = 44100;
constexpr double kEscSeconds = 5.0;

const char* const kAviPipeline =
    "appsrc name=video format=time block=true "
    "caps=video/x-raw,format=RGB,width=160,height=120,framerate=25/1,pixel-aspect-ratio=1/1 "
    "! videoconvert ! jpegenc quality=85 ! queue max-size-buffers=0 max-size-bytes=0 max-size-time=0 "
    "! avimux name=mux ! filesink name=sink "
    "appsrc name=audio format=time block=true caps=audio/x-raw,format=F32LE,rate=48000,channels=1,layout=interleaved "
    "! audioconvert ! audio/x-raw,format=S16LE ! queue max-size-buffers=0 max-size-bytes=0 max-size-time=0 ! mux.";

const char* const kWavPipeline =
    "appsrc name=audio format=time block=true caps=audio/x-raw,format=F32LE,rate=44100,channels=1,layout=interleaved "
    "! audioconvert ! audio/x-raw,format=S16LE ! wavenc ! filesink name=sink";

void check(const DemoDatasetOptions& o) {
  if (o.classes < 2 || o.classes > 12 || o.clips_per_class < 1 || o.clips_per_class > 1000 || !(o.seconds >= 0.2) ||
      o.seconds > 60)
    throw std::invalid_argument("demo data sets: need 2 <= classes <= 12, 1 <= clips_per_class <= 1000, "
                                "0.2 <= seconds <= 60");
}

// Writes through a hidden temporary name, renamed when complete.
void write_file(const fs::path& file, const std::function<void(const fs::path&)>& encode) {
  fs::create_directories(file.parent_path());
  write_file_atomically(file, encode);
}

void write_avi(const fs::path& file, const DemoClip& clip, double seconds) {
  write_file(file, [&](const fs::path& tmp) {
    AppSrcEncoder encoder(kAviPipeline, tmp, "demo data sets: " + file.string());
    const auto frames = static_cast<int64_t>(seconds * kDemoClipFps + 0.5);
    const int64_t per_frame = kVideoAudioRate / kDemoClipFps;
    for (int64_t k = 0; k < frames; ++k) {
      const auto rgb = render_demo_frame(clip, k);
      encoder.push(AppSrcEncoder::kVideo, rgb.data(), rgb.size(), media_time_ns(k, kDemoClipFps),
                   media_time_ns(k + 1, kDemoClipFps) - media_time_ns(k, kDemoClipFps));
      const auto pcm = render_demo_audio(clip, k * per_frame, per_frame, kVideoAudioRate);
      encoder.push(AppSrcEncoder::kAudio, pcm.data(), pcm.size() * sizeof(float),
                   media_time_ns(k * per_frame, kVideoAudioRate),
                   media_time_ns((k + 1) * per_frame, kVideoAudioRate) - media_time_ns(k * per_frame, kVideoAudioRate));
    }
    encoder.finish();
  });
}

void write_wav(const fs::path& file, const DemoClip& clip) {
  write_file(file, [&](const fs::path& tmp) {
    AppSrcEncoder encoder(kWavPipeline, tmp, "demo data sets: " + file.string());
    const auto samples = static_cast<int64_t>(kEscSeconds * kEscRate);
    const auto pcm = render_demo_audio(clip, 0, samples, kEscRate);
    encoder.push(AppSrcEncoder::kAudio, pcm.data(), pcm.size() * sizeof(float), 0, media_time_ns(samples, kEscRate));
    encoder.finish();
  });
}

void write_text(const fs::path& file, const std::string& text) {
  fs::create_directories(file.parent_path());
  std::ofstream out(file, std::ios::binary | std::ios::trunc);
  out << text;
  if (!out.flush()) throw std::runtime_error("demo data sets: cannot write " + file.string());
}

// A clip's seed: distinct for every (data set, class, clip).
uint64_t clip_seed(const DemoDatasetOptions& o, uint64_t dataset, int label, int clip) {
  return o.seed * 1000003ULL + dataset * 7919ULL * 1000ULL + static_cast<uint64_t>(label) * 1000ULL +
         static_cast<uint64_t>(clip);
}

}  // namespace

std::vector<std::string> demo_class_names(int classes, const std::string& style) {
  static const char* const kColours[12] = {"red",  "orange", "yellow", "lime",   "green", "teal",
                                           "cyan", "azure",  "blue",   "violet", "purple", "pink"};
  std::vector<std::string> names;
  for (int k = 0; k < classes; ++k) {
    // Hue k / classes, named by the nearest of the twelve hue names.
    const std::string colour = kColours[(k * 12 + classes / 2) / classes % 12];
    if (style == "ucf101") {
      names.push_back("Drift" + std::string(1, static_cast<char>(std::toupper(colour[0]))) + colour.substr(1));
    } else if (style == "hmdb51") {
      names.push_back("drift_" + colour);
    } else {
      names.push_back("tone_" + colour);
    }
  }
  return names;
}

int write_demo_ucf101(const fs::path& out, const DemoDatasetOptions& o) {
  check(o);
  const auto classes = demo_class_names(o.classes, "ucf101");
  std::string class_index, train[3], test[3];
  int written = 0;
  for (int k = 0; k < o.classes; ++k) {
    class_index += std::to_string(k + 1) + " " + classes[k] + "\r\n";
    for (int g = 1; g <= o.clips_per_class; ++g) {
      char name[128];
      std::snprintf(name, sizeof name, "%s/v_%s_g%02d_c01.avi", classes[k].c_str(), classes[k].c_str(), g);
      write_avi(out / "UCF-101" / name, DemoClip::draw(k, o.classes, clip_seed(o, 1, k, g), o.motion_only), o.seconds);
      ++written;
      for (int split = 1; split <= 3; ++split) {
        if ((g - 1) % 3 == split - 1) test[split - 1] += std::string(name) + "\r\n";
        else train[split - 1] += std::string(name) + " " + std::to_string(k + 1) + "\r\n";
      }
    }
  }
  const fs::path lists = out / "ucfTrainTestlist";
  write_text(lists / "classInd.txt", class_index);
  for (int split = 1; split <= 3; ++split) {
    write_text(lists / ("trainlist0" + std::to_string(split) + ".txt"), train[split - 1]);
    write_text(lists / ("testlist0" + std::to_string(split) + ".txt"), test[split - 1]);
  }
  return written;
}

int write_demo_hmdb51(const fs::path& out, const DemoDatasetOptions& o) {
  check(o);
  const auto classes = demo_class_names(o.classes, "hmdb51");
  int written = 0;
  for (int k = 0; k < o.classes; ++k) {
    std::string marks[3];
    for (int i = 0; i < o.clips_per_class; ++i) {
      const std::string name = classes[k] + "_" + std::to_string(i) + ".avi";
      write_avi(out / "hmdb51_org" / classes[k] / name, DemoClip::draw(k, o.classes, clip_seed(o, 2, k, i), o.motion_only), o.seconds);
      ++written;
      for (int split = 1; split <= 3; ++split) marks[split - 1] += name + (i % 3 == split - 1 ? " 2 \n" : " 1 \n");
    }
    for (int split = 1; split <= 3; ++split)
      write_text(out / "testTrainMulti_7030_splits" / (classes[k] + "_test_split" + std::to_string(split) + ".txt"),
                 marks[split - 1]);
  }
  return written;
}

int write_demo_esc50(const fs::path& out, const DemoDatasetOptions& o) {
  check(o);
  const auto classes = demo_class_names(o.classes, "esc50");
  const int per_fold = std::max(1, o.clips_per_class / 5);
  const fs::path root = out / "ESC-50-master";
  std::string csv = "filename,fold,target,category,esc10,src_file,take\n";
  int written = 0;
  for (int fold = 1; fold <= 5; ++fold)
    for (int k = 0; k < o.classes; ++k)
      for (int i = 0; i < per_fold; ++i) {
        const int source = 100000 + (fold * 100 + i) * 100 + k;
        const std::string name =
            std::to_string(fold) + "-" + std::to_string(source) + "-A-" + std::to_string(k) + ".wav";
        write_wav(root / "audio" / name, DemoClip::draw(k, o.classes, clip_seed(o, 3, k, fold * 1000 + i)));
        ++written;
        csv += name + "," + std::to_string(fold) + "," + std::to_string(k) + "," + classes[k] + ",False," +
               std::to_string(source) + ",A\n";
      }
  write_text(root / "meta" / "esc50.csv", csv);
  return written;
}

}  // namespace avflow::demo
