#include "tests/fuzz/fuzz_files.h"

#include <unistd.h>

#include <fstream>

namespace avflow::fuzz {

namespace fs = std::filesystem;

ScratchDir::ScratchDir() {
  path_ = fs::temp_directory_path() / ("avflow_fuzz_" + std::to_string(::getpid()));
  fs::remove_all(path_);
  fs::create_directories(path_);
}

ScratchDir::~ScratchDir() {
  std::error_code ec;
  fs::remove_all(path_, ec);
}

void ScratchDir::clear() const {
  for (const auto& e : fs::directory_iterator(path_)) fs::remove_all(e.path());
}

fs::path ScratchDir::write(const std::string& rel, std::string_view bytes) const {
  const fs::path p = path_ / rel;
  fs::create_directories(p.parent_path());
  std::ofstream(p, std::ios::binary).write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
  return p;
}

namespace {

bool plain_name(std::string_view name) {
  return !name.empty() && name != "." && name != ".." && name.find('/') == std::string_view::npos &&
         name.find('\0') == std::string_view::npos;
}

}  // namespace

std::vector<std::pair<std::string, std::string>> split_files(std::string_view input, const std::string& default_name) {
  std::vector<std::pair<std::string, std::string>> files{{default_name, ""}};
  bool keep = true;
  while (!input.empty()) {
    const size_t eol = input.find('\n');
    const std::string_view line = input.substr(0, eol == std::string_view::npos ? input.size() : eol + 1);
    input.remove_prefix(line.size());
    if (line.substr(0, 4) == "==> ") {
      std::string_view name = line.substr(4);
      while (!name.empty() && (name.back() == '\n' || name.back() == '\r')) name.remove_suffix(1);
      keep = plain_name(name);
      if (keep) files.emplace_back(std::string(name), "");
      continue;
    }
    if (keep) files.back().second.append(line);
  }
  return files;
}

}  // namespace avflow::fuzz
