#include "tests/support/clap_flash_media.h"

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <cstdlib>
#include <fstream>
#include <numbers>
#include <stdexcept>

#include <unistd.h>

#include "libs/media/appsrc_encoder.h"
#include "tests/support/process.h"

namespace avflow::test {

namespace {

// How a format is written: a GStreamer pipeline fed by appsrc (video, audio
// and mux elements), or ffmpeg fed raw video and audio (its codec options).
struct Recipe {
  ClapFlashFormat format;
  std::vector<std::string> ffmpeg;  // codec options; empty: GStreamer
  const char* video = "";
  const char* audio = "";
  const char* mux = "";
};

// H.264 with B-frames, as films are encoded: the reordering delay is what an
// MP4 edit list removes.
constexpr const char* kH264 = "videoconvert ! x264enc bframes=2 speed-preset=veryfast key-int-max=50 ! h264parse";
const std::vector<std::string> kFfmpegH264 = {"-c:v", "libx264", "-preset", "veryfast", "-bf", "2",
                                              "-g",   "50",      "-pix_fmt", "yuv420p"};

std::vector<std::string> with_h264(std::vector<std::string> audio) {
  std::vector<std::string> out = kFfmpegH264;
  out.insert(out.end(), audio.begin(), audio.end());
  return out;
}

const std::vector<Recipe>& recipes() {
  static const std::vector<Recipe> all = {
      {{"mp4 h264 aac", ".mp4", "ffmpeg"}, with_h264({"-c:a", "aac", "-b:a", "128k"})},
      {{"ts h264 aac", ".ts", "ffmpeg"}, with_h264({"-c:a", "aac", "-b:a", "128k"})},
      {{"mkv h264 mp3", ".mkv", "ffmpeg", false}, with_h264({"-c:a", "libmp3lame", "-b:a", "128k"})},
      {{"mkv h264 aac", ".mkv", "ffmpeg"}, with_h264({"-c:a", "aac", "-b:a", "128k"})},
      {{"mov h264 pcm", ".mov", "gstreamer"}, {}, kH264, "audioconvert ! audio/x-raw,format=S16LE", "qtmux"},
      {{"mkv h264 opus", ".mkv", "gstreamer"},
       {},
       kH264,
       "audioconvert ! audioresample ! audio/x-raw,rate=48000 ! opusenc ! opusparse",
       "matroskamux"},
      {{"mkv h264 vorbis", ".mkv", "gstreamer"}, {}, kH264, "audioconvert ! vorbisenc", "matroskamux"},
      {{"webm vp8 vorbis", ".webm", "gstreamer"},
       {},
       "videoconvert ! vp8enc deadline=1 keyframe-max-dist=50",
       "audioconvert ! vorbisenc",
       "webmmux"},
      {{"avi mjpeg pcm", ".avi", "gstreamer"},
       {},
       "videoconvert ! jpegenc quality=85",
       "audioconvert ! audio/x-raw,format=S16LE",
       "avimux"},
      // GStreamer's MP4 muxer does not record the AAC encoder's priming (an
      // edit list would): its sound plays one AAC frame late everywhere.
      {{"mp4 h264 aac, gst mux", ".mp4", "gstreamer", false},
       {},
       kH264,
       "audioconvert ! avenc_aac ! aacparse",
       "mp4mux"},
  };
  return all;
}

const Recipe& recipe(const std::string& name) {
  for (const auto& r : recipes())
    if (r.format.name == name) return r;
  throw std::invalid_argument("no clap-and-flash format '" + name + "'");
}

constexpr const char* kUnbounded = " ! queue max-size-buffers=0 max-size-bytes=0 max-size-time=0 ! ";

int64_t frame_of(double t, int fps) { return std::llround(t * fps); }

// The title as raw media: the frames kept (index on the fps grid, flash or
// not) and the audio from its first sample to the end.
struct RawTitle {
  std::vector<int64_t> frames;
  std::vector<bool> flash;  // by frame index
  int64_t end_frame = 0;
  int64_t first_sample = 0;
  std::vector<float> pcm;  // interleaved, from first_sample on
};

RawTitle render(const ClapFlashSpec& spec) {
  RawTitle t;
  t.end_frame = frame_of(spec.seconds, spec.fps);
  t.flash.assign(static_cast<size_t>(t.end_frame) + 1, false);
  for (double f : spec.flashes) t.flash.at(static_cast<size_t>(frame_of(f, spec.fps))) = true;
  // A variable frame rate: frames missing in an irregular pattern, except a
  // flash and the frame after it.
  auto kept = [&](int64_t k) {
    if (!spec.variable_frame_rate || t.flash[static_cast<size_t>(k)] || (k > 0 && t.flash[static_cast<size_t>(k - 1)]) ||
        k == t.end_frame - 1)  // the last, so the title's length is known
      return true;
    return k % 7 != 3 && k % 11 != 5 && k % 13 != 8;
  };
  for (int64_t k = frame_of(spec.video_start_s, spec.fps); k < t.end_frame; ++k)
    if (kept(k)) t.frames.push_back(k);

  const auto rate = static_cast<double>(spec.audio_rate);
  t.first_sample = std::llround(spec.audio_start_s * rate);
  const int64_t end_sample = std::llround(spec.seconds * rate);
  t.pcm.reserve(static_cast<size_t>((end_sample - t.first_sample) * spec.audio_channels));
  for (int64_t j = t.first_sample; j < end_sample; ++j) {
    const double time = static_cast<double>(j) / rate;
    float v = 0.0f;
    for (double f : spec.flashes)
      if (time >= f && time < f + kClickSeconds) v = static_cast<float>(0.8 * std::sin(2 * std::numbers::pi * kClickHz * (time - f)));
    for (int c = 0; c < spec.audio_channels; ++c) t.pcm.push_back(v);
  }
  return t;
}

void write_with_gstreamer(const std::filesystem::path& file, const ClapFlashSpec& spec, const Recipe& r,
                          const RawTitle& t) {
  const std::string framerate = spec.variable_frame_rate ? "0/1" : std::to_string(spec.fps) + "/1";
  const std::string pipeline =
      std::string(r.mux) + " name=mux ! filesink name=sink " +
      "appsrc name=video format=time caps=video/x-raw,format=RGB,width=" + std::to_string(spec.width) +
      ",height=" + std::to_string(spec.height) + ",framerate=" + framerate + ",pixel-aspect-ratio=1/1 ! " + r.video +
      kUnbounded + "mux. " +
      "appsrc name=audio format=time caps=audio/x-raw,format=F32LE,layout=interleaved,rate=" +
      std::to_string(spec.audio_rate) + ",channels=" + std::to_string(spec.audio_channels) + " ! " + r.audio +
      kUnbounded + "mux.";
  media::AppSrcEncoder encoder(pipeline, file, "clap-and-flash " + file.string());
  // Frames and 20 ms audio chunks in time order, so the muxer always has both.
  const size_t frame_bytes = static_cast<size_t>(spec.width) * static_cast<size_t>(spec.height) * 3;
  std::vector<uint8_t> pixels(frame_bytes);
  const int64_t chunk = spec.audio_rate / 50, channels = spec.audio_channels;
  const int64_t samples = static_cast<int64_t>(t.pcm.size()) / channels;
  size_t next_frame = 0;
  int64_t next = 0;  // sample index from first_sample
  auto in_gap = [&](int64_t sample) {
    const double time = static_cast<double>(sample) / spec.audio_rate;
    return spec.audio_gap_length_s > 0 && time >= spec.audio_gap_s && time < spec.audio_gap_s + spec.audio_gap_length_s;
  };
  while (next_frame < t.frames.size() || next < samples) {
    const uint64_t video_t =
        next_frame < t.frames.size() ? media::media_time_ns(t.frames[next_frame], spec.fps) : UINT64_MAX;
    const uint64_t audio_t = next < samples ? media::media_time_ns(t.first_sample + next, spec.audio_rate) : UINT64_MAX;
    if (video_t <= audio_t) {
      const int64_t k = t.frames[next_frame];
      const int64_t until = next_frame + 1 < t.frames.size() ? t.frames[next_frame + 1] : t.end_frame;
      std::fill(pixels.begin(), pixels.end(), t.flash[static_cast<size_t>(k)] ? 255 : 0);
      encoder.push(media::AppSrcEncoder::kVideo, pixels.data(), pixels.size(), video_t,
                   media::media_time_ns(until, spec.fps) - video_t);
      ++next_frame;
    } else if (in_gap(t.first_sample + next)) {
      next += std::min(chunk, samples - next);  // not stamped: a hole in the track
    } else {
      const int64_t n = std::min(chunk, samples - next);
      encoder.push(media::AppSrcEncoder::kAudio, t.pcm.data() + next * channels,
                   static_cast<size_t>(n * channels) * sizeof(float), audio_t,
                   media::media_time_ns(t.first_sample + next + n, spec.audio_rate) - audio_t);
      next += n;
    }
    encoder.check();
  }
  encoder.finish();
}

// The ffmpeg on PATH (Debian's `ffmpeg` package).
std::string ffmpeg_program() {
  const char* path = std::getenv("PATH");
  std::string dirs = path ? path : "/usr/bin";
  for (size_t at = 0; at <= dirs.size();) {
    const size_t end = std::min(dirs.find(':', at), dirs.size());
    const auto candidate = std::filesystem::path(dirs.substr(at, end - at)) / "ffmpeg";
    if (access(candidate.c_str(), X_OK) == 0) return candidate.string();
    at = end + 1;
  }
  throw std::runtime_error("ffmpeg is not installed (Debian package ffmpeg; scripts/setup-debian.sh installs it)");
}

void write_with_ffmpeg(const std::filesystem::path& file, const ClapFlashSpec& spec, const Recipe& r,
                       const RawTitle& t) {
  if (spec.variable_frame_rate || spec.audio_gap_length_s > 0)
    throw std::invalid_argument(file.string() + ": a variable frame rate or an audio gap needs a GStreamer format");
  // Raw inputs beside the output; each track offset to its first frame or sample.
  const auto video_raw = file.string() + ".rgb", audio_raw = file.string() + ".f32";
  {
    std::ofstream v(video_raw, std::ios::binary);
    std::vector<char> pixels(static_cast<size_t>(spec.width) * static_cast<size_t>(spec.height) * 3);
    for (int64_t k : t.frames) {
      std::fill(pixels.begin(), pixels.end(), t.flash[static_cast<size_t>(k)] ? static_cast<char>(255) : 0);
      v.write(pixels.data(), static_cast<std::streamsize>(pixels.size()));
    }
    std::ofstream a(audio_raw, std::ios::binary);
    a.write(reinterpret_cast<const char*>(t.pcm.data()), static_cast<std::streamsize>(t.pcm.size() * sizeof(float)));
    if (!v || !a) throw std::runtime_error(file.string() + ": cannot write the raw inputs");
  }
  const auto seconds = [](double s) { return std::to_string(s); };
  std::vector<std::string> argv = {ffmpeg_program(), "-nostdin", "-y", "-v", "error",
                                   "-f", "rawvideo", "-pix_fmt", "rgb24",
                                   "-s", std::to_string(spec.width) + "x" + std::to_string(spec.height),
                                   "-framerate", std::to_string(spec.fps),
                                   "-itsoffset", seconds(static_cast<double>(t.frames.front()) / spec.fps),
                                   "-i", video_raw,
                                   "-f", "f32le", "-ar", std::to_string(spec.audio_rate),
                                   "-ac", std::to_string(spec.audio_channels),
                                   "-itsoffset", seconds(static_cast<double>(t.first_sample) / spec.audio_rate),
                                   "-i", audio_raw, "-map", "0:v", "-map", "1:a"};
  argv.insert(argv.end(), r.ffmpeg.begin(), r.ffmpeg.end());
  argv.push_back(file.string());
  const ProcessResult done = run_process(argv);
  std::filesystem::remove(video_raw);
  std::filesystem::remove(audio_raw);
  if (done.exit_code != 0) throw std::runtime_error("writing " + file.string() + " with ffmpeg: " + done.err);
}

}  // namespace

const std::vector<ClapFlashFormat>& clap_flash_formats() {
  static const std::vector<ClapFlashFormat> all = [] {
    std::vector<ClapFlashFormat> out;
    for (const auto& r : recipes()) out.push_back(r.format);
    return out;
  }();
  return all;
}

std::filesystem::path write_clap_flash(const std::filesystem::path& file, const ClapFlashSpec& spec) {
  const Recipe& r = recipe(spec.format);
  if (file.extension() != r.format.extension)
    throw std::invalid_argument(file.string() + ": the format '" + spec.format + "' needs a " + r.format.extension + " file");
  const RawTitle t = render(spec);
  if (r.ffmpeg.empty())
    write_with_gstreamer(file, spec, r, t);
  else
    write_with_ffmpeg(file, spec, r, t);
  return file;
}

}  // namespace avflow::test
