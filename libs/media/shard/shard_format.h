// The prepared-snippet shard: one file per title, written once by `prepare`,
// read at random by `shard_reader`. Little-endian throughout.
//
//   header   "AVSHARD1", u32 header_bytes, then: str title, str show,
//            f64 fps, u32 frames_per_snippet (T), u32 width, u32 height,
//            u32 sample_rate, u32 channels, u32 jpeg_quality
//            (str = u32 length + bytes)
//   records  one per snippet m = 0 .. M-1, in order: T frames, each
//            u32 length + JPEG bytes (libjpeg-turbo, 4:2:0), then the audio:
//            u32 samples + float32 PCM, channel-major ([channels, samples]),
//            exactly the samples the T frames span
//   index    u32 M, then per snippet: u64 offset, u64 bytes, u32 crc32;
//            then optional tagged sections, each at most once:
//            "SCNE", u32 S, S x u32 (when prepare detected scenes: the first
//            snippet of every scene after the first, increasing);
//            "SRCE", u64 bytes, i64 modified_ns (the title's file as it was
//            when prepare read it, so a later prepare notices a replaced one);
//            "TIME", u32 version (of the rules that placed frames and samples
//            on the title's timeline, MediaDecoder::kTimelineVersion, so a
//            later prepare redoes shards decoded by older rules)
//   footer   u64 index_offset, u32 index_crc32, u32 header_crc32, "AVSHEND1"
//
// Audio is stored as PCM, not log-mel, so any mel settings can be chosen at
// training time; it is 614 KB per 3.2 s mono snippet against ~100 KB of
// frames, the price of that freedom. A file is written under NAME.partial
// and renamed when whole, so a file named NAME always has its footer; every
// record carries its own CRC, checked on each read.
#pragma once

#include <cstdint>
#include <string>

namespace avflow::media::shard {

inline constexpr char kMagic[8] = {'A', 'V', 'S', 'H', 'A', 'R', 'D', '1'};
inline constexpr char kEndMagic[8] = {'A', 'V', 'S', 'H', 'E', 'N', 'D', '1'};
inline constexpr char kScenesTag[4] = {'S', 'C', 'N', 'E'};
inline constexpr char kSourceTag[4] = {'S', 'R', 'C', 'E'};
inline constexpr char kTimelineTag[4] = {'T', 'I', 'M', 'E'};
inline constexpr uint64_t kFooterBytes = 8 + 4 + 4 + 8;
inline constexpr const char* kExtension = ".avshard";
inline constexpr const char* kPartialSuffix = ".partial";

struct Header {
  std::string title, show;
  double fps = 5.0;
  uint32_t frames = 16, width = 0, height = 0, sample_rate = 48000, channels = 1, jpeg_quality = 90;
};

// A title's file as prepare found it: its size and modification time, the
// pair make and rsync compare to tell a changed file.
struct SourceStamp {
  uint64_t bytes = 0;
  int64_t modified_ns = 0;
  bool operator==(const SourceStamp& o) const { return bytes == o.bytes && modified_ns == o.modified_ns; }
  bool operator!=(const SourceStamp& o) const { return !(*this == o); }
};

struct IndexEntry {
  uint64_t offset = 0, bytes = 0;
  uint32_t crc = 0;
};

}  // namespace avflow::media::shard
