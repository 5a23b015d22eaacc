// ShardFile: random access to one prepared shard (shard_format.h). Opening
// checks the footer, the header and the index against their CRCs; read(m)
// checks snippet m's record against its own. Any mismatch or short file is
// an error naming the file. Reads use pread on one descriptor, so a ShardFile
// serves concurrent readers.
#pragma once

#include <filesystem>
#include <optional>
#include <vector>

#include "libs/media/shard/shard_format.h"
#include "libs/media/snippet.h"

namespace avflow::media {

class ShardFile {
 public:
  explicit ShardFile(std::filesystem::path path);
  ~ShardFile();
  ShardFile(const ShardFile&) = delete;
  ShardFile& operator=(const ShardFile&) = delete;

  const shard::Header& header() const { return header_; }
  int64_t count() const { return static_cast<int64_t>(index_.size()); }  // M_n
  // Scene boundaries prepare stored: the first snippet of each scene after
  // the first. has_scenes() false for a shard written without detection.
  bool has_scenes() const { return has_scenes_; }
  const std::vector<int64_t>& scene_starts() const { return scene_starts_; }
  // The title's file as prepare read it; empty for a title that is not a
  // local file, and for shards written before prepare recorded it.
  const std::optional<shard::SourceStamp>& source() const { return source_; }
  // The version of the timeline rules its snippets were decoded with
  // (MediaDecoder::kTimelineVersion); empty for shards written before
  // prepare recorded it.
  const std::optional<uint32_t>& timeline() const { return timeline_; }
  const std::filesystem::path& path() const { return path_; }

  // Snippet m with decoded frames and its PCM.
  Snippet read(int64_t m) const;
  // Where snippet m's record lies in the file, and its CRC.
  const shard::IndexEntry& record(int64_t m) const { return index_.at(static_cast<size_t>(m)); }

 private:
  // A snippet's decoded frames may take at most this (real ones: a few MB).
  static constexpr uint64_t kMaxSnippetVideoBytes = uint64_t{1} << 30;

  void load();  // footer, index, scenes and header; throws on a corrupt shard
  std::vector<uint8_t> read_at(uint64_t offset, uint64_t bytes) const;
  void check_header() const;
  [[noreturn]] void corrupt(const std::string& why) const;

  std::filesystem::path path_;
  int fd_ = -1;
  shard::Header header_;
  std::vector<shard::IndexEntry> index_;
  std::vector<int64_t> scene_starts_;
  bool has_scenes_ = false;
  std::optional<shard::SourceStamp> source_;
  std::optional<uint32_t> timeline_;
};

}  // namespace avflow::media
