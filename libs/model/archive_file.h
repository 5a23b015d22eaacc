// A LibTorch archive written to a file with every write checked: a full
// disk becomes one std::runtime_error naming the file and the system's
// reason. LibTorch's own file writer cannot be used for that: it checks
// each write and throws on a short one again from its destructor, which
// terminates the program while the first exception unwinds.
#pragma once

#include <torch/serialize/output-archive.h>

#include <filesystem>

namespace avflow::model {

// Writes `archive` to `file` (replacing it). On a failed write the file is
// removed and std::runtime_error thrown: "FILE: write failed: REASON".
void save_archive(torch::serialize::OutputArchive& archive, const std::filesystem::path& file);

}  // namespace avflow::model
