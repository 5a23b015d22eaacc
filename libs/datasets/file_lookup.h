// Finding a listed file inside a data set's folder, exactly or, failing
// that, without regard to case (official lists and archives disagree on the
// case of some names). Folder listings are read once and cached.
#pragma once

#include <filesystem>
#include <map>
#include <optional>
#include <string>

namespace avflow::datasets {

class FileLookup {
 public:
  // `relative` below `root` ("Class/v_x.avi"), each component matched
  // exactly first, then case-insensitively; nullopt when missing.
  std::optional<std::filesystem::path> find(const std::filesystem::path& root, const std::filesystem::path& relative);

 private:
  const std::map<std::string, std::string>& listing(const std::filesystem::path& dir);
  std::map<std::string, std::map<std::string, std::string>> listings_;  // dir -> lower-case name -> name
};

std::string lower_case(std::string s);

}  // namespace avflow::datasets
