#include "libs/sampling/prepared_index.h"

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <optional>
#include <stdexcept>

#include "libs/media/shard/shard_file.h"
#include "libs/media/shard/shard_path.h"

namespace avflow::sampling {

namespace fs = std::filesystem;

namespace {

TitleEntry entry_of(const media::ShardFile& shard) {
  TitleEntry e;
  e.id = shard.header().title;
  e.show = shard.header().show;
  e.snippets = shard.count();
  e.has_scenes = shard.has_scenes();
  e.scene_starts = shard.scene_starts();
  return e;
}

// Why prepare skipped title `id`, when it recorded that it did.
std::optional<std::string> skipped_reason(const std::string& dir, const std::string& id) {
  std::ifstream in(media::skipped_path(dir, id));
  if (!in) return std::nullopt;
  std::string reason;
  std::getline(in, reason);
  return reason.empty() ? std::string("no reason recorded") : reason;
}

}  // namespace

SamplingIndex load_prepared_index(const std::string& dir, const std::vector<std::string>* titles) {
  if (!fs::is_directory(dir)) throw std::runtime_error("prepared folder " + dir + " does not exist; run prepare first");
  SamplingIndex index;
  if (titles) {
    for (const auto& id : *titles) {
      const fs::path path = media::shard_path(dir, id);
      if (!fs::exists(path)) {
        if (auto reason = skipped_reason(dir, id)) {
          index.skipped.push_back({id, *reason});
          continue;
        }
        throw std::runtime_error("title '" + id + "' has no shard " + path.string() + "; run prepare for it first");
      }
      index.titles.push_back(entry_of(media::ShardFile(path)));
    }
    return index;
  }
  for (const auto& f : fs::recursive_directory_iterator(dir)) {
    if (!f.is_regular_file() || f.path().extension() != media::shard::kExtension) continue;
    index.titles.push_back(entry_of(media::ShardFile(f.path())));
  }
  if (index.titles.empty())
    throw std::runtime_error("prepared folder " + dir + " holds no shards (*" + std::string(media::shard::kExtension) +
                             "); run prepare first");
  std::sort(index.titles.begin(), index.titles.end(),
            [](const TitleEntry& a, const TitleEntry& b) { return a.id < b.id; });
  return index;
}

}  // namespace avflow::sampling
