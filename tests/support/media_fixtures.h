// Real encoded media for the tests, written by GStreamer's own encoders into
// real containers: VP8 + Vorbis in WebM, or MJPEG + 16-bit PCM in AVI when
// the file name ends in .avi.
#pragma once

#include <filesystem>
#include <string>

namespace avflow::test {

struct MediaSpec {
  double seconds = 4.0;
  int width = 320, height = 180, fps = 25;  // video source (videotestsrc, a moving ball)
  int audio_rate = 44100, audio_channels = 2;
  double tone_hz = 440.0;                   // audio source (audiotestsrc, a sine)
  bool video = true, audio = true;
  double drop_probability = 0.0;            // > 0: frames dropped at random, a variable frame rate
  double interleave_s = 0.25;               // .mov: media seconds of one stream stored between the other's
};

// Writes `file` (.webm: VP8 + Vorbis; .avi or .mov: MJPEG + PCM) and returns its path; throws std::runtime_error with
// GStreamer's message when the pipeline fails.
std::filesystem::path write_test_media(const std::filesystem::path& file, const MediaSpec& spec = {});

}  // namespace avflow::test
