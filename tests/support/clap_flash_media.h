// Clap-and-flash titles: black frames with a one-frame white flash, and
// silence with a 1 kHz click, at the same instants (on frame boundaries),
// encoded the ways films and shows come: H.264 (with B-frames) + AAC in MP4
// and MPEG-TS and + MP3 in Matroska written by ffmpeg, as most files are;
// H.264 + Opus / Vorbis in Matroska, VP8 + Vorbis in WebM and MJPEG + PCM in
// AVI written by GStreamer; with a track that starts late, and with a
// variable frame rate. What av_sync.h measures on the decoded result.
#pragma once

#include <filesystem>
#include <string>
#include <vector>

namespace avflow::test {

// The click: a 1 kHz sine burst of this length, starting at the flash.
constexpr double kClickSeconds = 0.02;
constexpr double kClickHz = 1000.0;

struct ClapFlashSpec {
  // One of clap_flash_formats()' names.
  std::string format = "mp4 h264 aac";
  double seconds = 4.0;
  int fps = 25, width = 160, height = 96;
  int audio_rate = 44100, audio_channels = 1;
  // Flash and click times from the title's start; each a whole number of frames.
  std::vector<double> flashes = {0.6, 1.48, 2.36, 3.2};
  // When each track's first frame or sample plays (a track that starts after
  // the other, as in cut and remuxed films).
  double video_start_s = 0.0, audio_start_s = 0.0;
  // A hole in the audio track from `audio_gap_s` on, this long: no samples
  // stamped there (a lost stretch of a recording); GStreamer-written formats.
  double audio_gap_s = 0, audio_gap_length_s = 0;
  // Frames missing here and there (the ones that flash, those that end a
  // flash, and the last are kept), each showing until the next: a variable frame rate.
  bool variable_frame_rate = false;
};

// The formats write_clap_flash knows, each with the file extension it needs.
struct ClapFlashFormat {
  std::string name, extension;
  std::string writer;          // "ffmpeg" or "gstreamer"
  bool records_delay = true;   // the file records the audio encoder's delay
};
const std::vector<ClapFlashFormat>& clap_flash_formats();

// Writes `file` (its extension must match the format's) and returns its path;
// throws std::runtime_error naming the file when GStreamer fails.
std::filesystem::path write_clap_flash(const std::filesystem::path& file, const ClapFlashSpec& spec);

}  // namespace avflow::test
