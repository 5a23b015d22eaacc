// Measuring audio-video sync on decoded clap-and-flash media
// (clap_flash_media.h): each flash (a frame much brighter than the one
// before) is paired with the click nearest it, and the click's onset is
// taken from its energy centroid (robust to the pre-echo and smearing of
// lossy codecs) less half its length. Offsets are click minus flash: a
// positive offset is sound after its picture.
#pragma once

#include <ATen/ATen.h>

#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include "libs/media/media_decoder.h"
#include "tests/support/clap_flash_media.h"

namespace avflow::test {

struct FlashClick {
  int64_t frame = 0;       // the flash's frame index
  double flash_s = 0;      // frame / fps
  double click_s = 0;      // the click's onset
  double offset_ms() const { return (click_s - flash_s) * 1e3; }
};

struct AvSync {
  std::vector<FlashClick> pairs;
  double worst_ms() const;  // largest |offset|
  double mean_ms() const;
};

// frames: uint8 [T, H, W, 3] at `fps`; audio: float [N, C] at `rate`.
AvSync measure_av_sync(const at::Tensor& frames, double fps, const at::Tensor& audio, int64_t rate,
                       double click_s);

// A whole title decoded with `settings`: frames [T, H, W, 3] and audio [N, C].
struct DecodedTitle {
  at::Tensor frames, audio;
  std::optional<double> duration_s;  // MediaDecoder::duration_s()
};
DecodedTitle decode_whole(const std::string& path_or_uri, const media::DecodeSettings& settings);

// The clap-and-flash titles the tests and `av_sync_table` measure: every
// format, AAC at 44.1 and 48 kHz, audio starting 0.5 s late and 0.3 s early,
// a 0.3 s hole in the audio, and a variable frame rate. `bounded`: whether the offset must stay within
// 10 ms (MP3's encoder delay is not recorded in every container: measured,
// stated, not bounded).
struct SyncCase {
  std::string name;
  ClapFlashSpec spec;
  bool bounded = true;
};
const std::vector<SyncCase>& sync_cases();
// The case by name (std::invalid_argument for an unknown one), and its file
// written into `dir`, named after it.
const SyncCase& sync_case(const std::string& name);
std::filesystem::path write_sync_case(const std::filesystem::path& dir, const SyncCase& c);

// One case checked: its file decoded with `settings` and measured.
struct SyncCheck {
  AvSync sync;
  int64_t flashes_expected = 0;
  int64_t flashes_in_place = 0;  // flashes whose frame is where their time says
  int64_t frames = 0, samples = 0;
  std::optional<double> duration_s;
};
SyncCheck check_sync(const std::string& path_or_uri, const ClapFlashSpec& spec, const media::DecodeSettings& settings);

}  // namespace avflow::test
