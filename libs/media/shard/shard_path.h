// Where a title's shard lives under a prepared folder: DIR/<title id>.avshard
// (an episode id "show/episode" gives DIR/show/episode.avshard), and where
// prepare says why it has none.
#pragma once

#include <filesystem>
#include <stdexcept>
#include <string>

#include "libs/media/shard/shard_format.h"

namespace avflow::media {

inline std::filesystem::path shard_path(const std::filesystem::path& dir, const std::string& title) {
  const std::filesystem::path rel(title + shard::kExtension);
  for (const auto& part : rel)
    if (part == ".." || part == "." || rel.is_absolute())
      throw std::invalid_argument("title id '" + title + "' cannot name a file under " + dir.string());
  return dir / rel;
}

// Where prepare records why it could not prepare a title (one line of text):
// DIR/<title id>.skipped, beside where its shard would be; removed once the
// title is prepared. Samplers read it to leave the title out knowingly.
inline std::filesystem::path skipped_path(const std::filesystem::path& dir, const std::string& title) {
  std::filesystem::path path = shard_path(dir, title);
  path.replace_extension(".skipped");
  return path;
}

}  // namespace avflow::media
