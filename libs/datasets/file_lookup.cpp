#include "libs/datasets/file_lookup.h"

#include <algorithm>
#include <cctype>

namespace avflow::datasets {

std::string lower_case(std::string s) {
  std::transform(s.begin(), s.end(), s.begin(), [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return s;
}

const std::map<std::string, std::string>& FileLookup::listing(const std::filesystem::path& dir) {
  auto [it, added] = listings_.try_emplace(dir.string());
  if (added) {
    std::error_code ec;
    for (const auto& entry : std::filesystem::directory_iterator(dir, ec)) {
      const std::string name = entry.path().filename().string();
      it->second.emplace(lower_case(name), name);
    }
  }
  return it->second;
}

std::optional<std::filesystem::path> FileLookup::find(const std::filesystem::path& root,
                                                      const std::filesystem::path& relative) {
  std::filesystem::path at = root;
  for (const auto& part : relative) {
    std::error_code ec;
    if (std::filesystem::exists(at / part, ec)) {
      at /= part;
      continue;
    }
    const auto& names = listing(at);
    const auto found = names.find(lower_case(part.string()));
    if (found == names.end()) return std::nullopt;
    at /= found->second;
  }
  return at;
}

}  // namespace avflow::datasets
