// What a title holds and what decoding it will do: its streams (codec,
// size, frame rate and whether it varies, sample rate, channels), where each
// starts on the container's clock, and the corrections MediaDecoder applies
// to put sound and picture on one timeline (an edit list, trimmed priming,
// a late track padded, an early one trimmed, resampling). `avflow probe`
// prints it, for one file or a whole catalogue, before hours of preparation.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "libs/media/media_decoder.h"

namespace avflow::media {

struct ProbedStream {
  std::string kind;   // "video" or "audio"
  std::string codec;  // as GStreamer describes it: "H.264 (High Profile)", "MPEG-4 AAC"
  // video
  int64_t width = 0, height = 0;
  double fps = 0;               // declared; 0 when the stream declares none
  bool variable_frame_rate = false;
  double min_interval_s = 0, max_interval_s = 0;  // between the frames probed
  // audio
  int64_t rate = 0;
  int channels = 0;
  double start_s = 0;  // its first frame or sample, on the container's clock
};

struct ProbeReport {
  std::string uri;
  std::string container;            // "Quicktime", "Matroska", ...; empty when unknown
  std::optional<double> duration_s;
  bool live = false;
  double title_start_s = 0;         // where the title starts (its first frame) on the container's clock
  std::vector<ProbedStream> streams;
  std::vector<std::string> corrections;  // what decoding with `settings` does, in words
  std::vector<std::string> tags;         // the same, a word or two each, for a table row
};

// Opens the title and reads its first `probe_s` seconds of frames (frame
// intervals: whether the rate varies). `settings`: the decode the
// corrections describe (fps, sample_rate, channels). Throws
// std::runtime_error naming the URI when it cannot be opened or decoded.
ProbeReport probe_media(const std::string& path_or_uri, const DecodeSettings& settings, double probe_s = 2.0);

// The report as text, a few indented lines.
std::string describe(const ProbeReport& report);

}  // namespace avflow::media
