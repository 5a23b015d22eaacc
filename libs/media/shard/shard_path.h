// Where a title's shard lives under a prepared folder: DIR/<title id>.avshard
// (an episode id "show/episode" gives DIR/show/episode.avshard).
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

}  // namespace avflow::media
