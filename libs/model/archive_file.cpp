#include "libs/model/archive_file.h"

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <stdexcept>
#include <string>

namespace avflow::model {

void save_archive(torch::serialize::OutputArchive& archive, const std::filesystem::path& file) {
  std::FILE* out = std::fopen(file.c_str(), "wb");
  if (!out) throw std::runtime_error(file.string() + ": cannot write: " + std::strerror(errno));
  int error = 0;
  // The first failure is remembered and LibTorch is told every write went
  // through, so that it finishes (and destroys) its writer normally; the
  // failure is reported below, once.
  archive.save_to([&](const void* data, size_t size) -> size_t {
    if (error == 0 && size > 0) {
      errno = 0;
      if (std::fwrite(data, 1, size, out) != size) error = errno != 0 ? errno : EIO;
    }
    return size;
  });
  if (error == 0 && std::fflush(out) != 0) error = errno;
  if (std::fclose(out) != 0 && error == 0) error = errno;
  if (error != 0) {
    std::error_code ignored;
    std::filesystem::remove(file, ignored);
    throw std::runtime_error(file.string() + ": write failed: " + std::strerror(error));
  }
}

}  // namespace avflow::model
