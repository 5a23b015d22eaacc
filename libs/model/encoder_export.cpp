#include "libs/model/encoder_export.h"

#include <fstream>
#include <sstream>
#include <stdexcept>
#include <string>

#include "engine/atomic_file.h"

namespace avflow::model {

namespace fs = std::filesystem;

void write_encoder_options(const fs::path& dir, const ExportedEncoderOptions& o) {
  std::ostringstream text;
  for (const auto& [name, e] : {std::pair<const char*, const EncoderOptions*>{"video", &o.video}, {"audio", &o.audio}}) {
    text << name << "_width " << e->width << "\n" << name << "_blocks";
    for (int64_t b : e->blocks) text << " " << b;
    text << "\n";
  }
  write_text_atomically(dir / kEncoderOptionsFile, text.str());
}

std::optional<ExportedEncoderOptions> read_encoder_options(const fs::path& dir) {
  const fs::path file = dir / kEncoderOptionsFile;
  std::ifstream in(file);
  if (!in) return std::nullopt;
  ExportedEncoderOptions o;
  o.video.blocks.clear();
  o.audio.blocks.clear();
  std::string line;
  for (int number = 1; std::getline(in, line); ++number) {
    std::istringstream fields(line);
    std::string key;
    if (!(fields >> key)) continue;
    EncoderOptions* e = key.rfind("video_", 0) == 0 ? &o.video : key.rfind("audio_", 0) == 0 ? &o.audio : nullptr;
    const std::string what = e ? key.substr(6) : "";
    bool ok = e != nullptr;
    if (ok && what == "width") {
      ok = static_cast<bool>(fields >> e->width);
    } else if (ok && what == "blocks") {
      for (int64_t b; fields >> b;) e->blocks.push_back(b);
      ok = !e->blocks.empty();
    } else {
      ok = false;
    }
    if (!ok) throw std::runtime_error(file.string() + ":" + std::to_string(number) + ": expected video_width N, " +
                                      "video_blocks N..., audio_width N or audio_blocks N..., found '" + line + "'");
  }
  o.video.check(file.string() + " (video)");
  o.audio.check(file.string() + " (audio)");
  return o;
}

}  // namespace avflow::model
