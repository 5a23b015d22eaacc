// ShardWriter: writes one title's snippets into a shard (shard_format.h),
// atomically: everything goes to PATH.partial, which becomes PATH only in
// finish(). A writer destroyed before finish() removes its partial file.
#pragma once

#include <cstdio>
#include <filesystem>
#include <optional>
#include <stdexcept>
#include <vector>

#include "libs/media/shard/shard_format.h"
#include "libs/media/snippet.h"

namespace avflow::media {

// The shard could not be written (a full disk, a file size limit, a folder
// that cannot be made): the output's fault, not the title's, so prepare
// fails the run on it instead of skipping the title. Names the file and the
// system's reason.
class ShardWriteError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

class ShardWriter {
 public:
  ShardWriter(std::filesystem::path path, shard::Header header);
  ~ShardWriter();
  ShardWriter(const ShardWriter&) = delete;
  ShardWriter& operator=(const ShardWriter&) = delete;

  // Appends snippet m = count(): frames JPEG-encoded, audio as float PCM.
  void add(const Snippet& s);
  int64_t count() const { return static_cast<int64_t>(index_.size()); }
  uint64_t bytes() const { return offset_; }

  // Scene boundaries to store in the index: the first snippet of every scene
  // after the first (libs/media/scene/scene_detector.h).
  void set_scene_starts(std::vector<int64_t> starts) {
    scene_starts_ = std::move(starts);
    has_scenes_ = true;
  }

  // The title's file as prepare read it (source_stamp.h); shards of titles
  // that are not local files have none.
  void set_source(shard::SourceStamp stamp) { source_ = stamp; }
  // The timeline rules the snippets were decoded with (MediaDecoder::kTimelineVersion).
  void set_timeline(uint32_t version) { timeline_ = version; }

  // Writes index and footer, flushes to disk and renames into place.
  void finish();

 private:
  void write(const void* data, size_t size);

  std::filesystem::path path_, partial_;
  shard::Header header_;
  std::FILE* file_ = nullptr;
  uint64_t offset_ = 0;
  std::vector<shard::IndexEntry> index_;
  std::vector<uint8_t> record_;
  std::vector<int64_t> scene_starts_;
  bool has_scenes_ = false;
  std::optional<shard::SourceStamp> source_;
  std::optional<uint32_t> timeline_;
};

}  // namespace avflow::media
