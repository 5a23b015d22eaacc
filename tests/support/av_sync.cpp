#include "tests/support/av_sync.h"

#include <algorithm>
#include <cmath>
#include <stdexcept>

namespace avflow::test {

double AvSync::worst_ms() const {
  double w = 0;
  for (const auto& p : pairs) {
    if (std::isnan(p.click_s)) return INFINITY;  // a flash without its click
    w = std::max(w, std::abs(p.offset_ms()));
  }
  return w;
}

double AvSync::mean_ms() const {
  double s = 0;
  for (const auto& p : pairs) s += p.offset_ms();
  return pairs.empty() ? 0.0 : s / static_cast<double>(pairs.size());
}

AvSync measure_av_sync(const at::Tensor& frames, double fps, const at::Tensor& audio, int64_t rate, double click_s) {
  AvSync out;
  const at::Tensor brightness = frames.to(at::kFloat).mean({1, 2, 3}).contiguous();
  const at::Tensor mono = audio.to(at::kFloat).mean(1).contiguous();
  const float* b = brightness.data_ptr<float>();
  const float* x = mono.data_ptr<float>();
  const int64_t n = mono.size(0);
  for (int64_t k = 0; k < brightness.size(0); ++k) {
    if (!(b[k] > 128.0f && (k == 0 || b[k - 1] <= 128.0f))) continue;
    FlashClick p;
    p.frame = k;
    p.flash_s = static_cast<double>(k) / fps;
    // The click's energy within 300 ms either side (flashes are further apart).
    const auto from = std::clamp<int64_t>(std::llround((p.flash_s - 0.3) * static_cast<double>(rate)), 0, n);
    const auto to = std::clamp<int64_t>(std::llround((p.flash_s + 0.3 + click_s) * static_cast<double>(rate)), 0, n);
    double energy = 0, moment = 0;
    for (int64_t j = from; j < to; ++j) {
      const double e = static_cast<double>(x[j]) * x[j];
      energy += e;
      moment += e * static_cast<double>(j);
    }
    if (energy < 1e-3) {
      p.click_s = std::nan("");  // no click near this flash
    } else {
      p.click_s = moment / energy / static_cast<double>(rate) - click_s / 2;
    }
    out.pairs.push_back(p);
  }
  return out;
}

DecodedTitle decode_whole(const std::string& path_or_uri, const media::DecodeSettings& settings) {
  media::MediaDecoder d(path_or_uri, settings);
  std::vector<at::Tensor> frames, audio;
  // In step, a frame and the audio of its time, as snippets are read (a live
  // source drops the audio of frames read far ahead of it).
  const auto per_frame = static_cast<int64_t>(std::llround(static_cast<double>(settings.sample_rate) / settings.fps));
  while (auto f = d.next_frame()) {
    frames.push_back(*f);
    audio.push_back(d.read_audio(per_frame));
  }
  for (at::Tensor chunk; (chunk = d.read_audio(settings.sample_rate)).size(0) > 0;) audio.push_back(chunk);
  if (frames.empty() || audio.empty()) throw std::runtime_error(path_or_uri + ": decoded no frames or no audio");
  return {at::stack(frames), at::cat(audio), d.duration_s()};
}

const std::vector<SyncCase>& sync_cases() {
  static const std::vector<SyncCase> all = [] {
    std::vector<SyncCase> out;
    for (const auto& f : clap_flash_formats()) {
      SyncCase c{f.name, {.format = f.name}, f.records_delay};
      out.push_back(c);
    }
    out.push_back({"mp4 h264 aac 48 kHz", {.format = "mp4 h264 aac", .audio_rate = 48000}});
    out.push_back({"mp4 audio 0.5 s late", {.format = "mp4 h264 aac", .audio_start_s = 0.5}});
    out.push_back({"mkv audio 0.3 s early", {.format = "mkv h264 aac", .video_start_s = 0.3}});
    out.push_back({"mov audio 0.3 s early", {.format = "mov h264 pcm", .video_start_s = 0.3}});
    out.push_back({"mov audio 0.5 s late", {.format = "mov h264 pcm", .audio_start_s = 0.5}});
    out.push_back({"mkv audio gap 0.3 s",
                   {.format = "mkv h264 vorbis", .audio_gap_s = 1.0, .audio_gap_length_s = 0.3}});
    out.push_back({"mkv variable frame rate", {.format = "mkv h264 vorbis", .variable_frame_rate = true}});
    return out;
  }();
  return all;
}

const SyncCase& sync_case(const std::string& name) {
  for (const auto& c : sync_cases())
    if (c.name == name) return c;
  throw std::invalid_argument("no clap-and-flash case '" + name + "'");
}

std::filesystem::path write_sync_case(const std::filesystem::path& dir, const SyncCase& c) {
  std::string stem = c.name;
  for (char& ch : stem)
    if (ch == ' ' || ch == '.' || ch == ',') ch = '_';
  for (const auto& f : clap_flash_formats())
    if (f.name == c.spec.format) return write_clap_flash(dir / (stem + f.extension), c.spec);
  throw std::invalid_argument("no clap-and-flash format '" + c.spec.format + "'");
}

SyncCheck check_sync(const std::string& path_or_uri, const ClapFlashSpec& spec, const media::DecodeSettings& settings) {
  const DecodedTitle t = decode_whole(path_or_uri, settings);
  SyncCheck c;
  c.sync = measure_av_sync(t.frames, settings.fps, t.audio, settings.sample_rate, kClickSeconds);
  c.frames = t.frames.size(0);
  c.samples = t.audio.size(0);
  c.duration_s = t.duration_s;
  c.flashes_expected = static_cast<int64_t>(spec.flashes.size());
  // The title starts at its first frame.
  const double first_frame_s = static_cast<double>(std::llround(spec.video_start_s * spec.fps)) / spec.fps;
  for (double f : spec.flashes) {
    const int64_t k = std::llround((f - first_frame_s - settings.start_s) * settings.fps);
    for (const auto& p : c.sync.pairs)
      if (p.frame == k) ++c.flashes_in_place;
  }
  return c;
}

}  // namespace avflow::test
