// What the fuzz targets share: a scratch folder of their own, and a way to
// carry several files in one input.
#pragma once

#include <cstdint>
#include <filesystem>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace avflow::fuzz {

// A folder private to this process, emptied for each input (readers of
// layouts and manifests take paths, not bytes).
class ScratchDir {
 public:
  ScratchDir();
  ~ScratchDir();
  const std::filesystem::path& path() const { return path_; }
  void clear() const;
  // Writes `bytes` to path()/rel, creating folders; returns the path.
  std::filesystem::path write(const std::string& rel, std::string_view bytes) const;

 private:
  std::filesystem::path path_;
};

// Files packed into one input, each introduced by a line "==> NAME":
//
//   ==> classInd.txt
//   1 ApplyEyeMakeup
//   ==> trainlist01.txt
//   ...
//
// Text before the first such line belongs to `default_name`. A NAME is kept
// to one plain path component (no '/', not "." or ".."), so an input never
// writes outside the scratch folder; other names are dropped.
std::vector<std::pair<std::string, std::string>> split_files(std::string_view input, const std::string& default_name);

}  // namespace avflow::fuzz
