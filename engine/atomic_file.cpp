#include "engine/atomic_file.h"

#include <fstream>
#include <stdexcept>
#include <system_error>

namespace avflow {

namespace fs = std::filesystem;

fs::path partial_path_of(const fs::path& file) {
  return file.parent_path() / ("." + file.filename().string() + ".partial");
}

void write_file_atomically(const fs::path& file, const std::function<void(const fs::path& temporary)>& write) {
  const fs::path temporary = partial_path_of(file);
  auto discard = [&] {
    std::error_code ignored;
    fs::remove(temporary, ignored);
  };
  try {
    write(temporary);
  } catch (...) {
    discard();
    throw;
  }
  std::error_code ec;
  fs::rename(temporary, file, ec);
  if (ec) {
    discard();
    throw std::runtime_error("cannot write '" + file.string() + "': renaming '" + temporary.string() +
                             "' failed: " + ec.message());
  }
}

void write_text_atomically(const fs::path& file, const std::string& text) {
  write_file_atomically(file, [&](const fs::path& temporary) {
    std::ofstream out(temporary, std::ios::binary | std::ios::trunc);
    out << text;
    if (!out.flush()) throw std::runtime_error("cannot write '" + file.string() + "' (through '" + temporary.string() + "')");
  });
}

}  // namespace avflow
