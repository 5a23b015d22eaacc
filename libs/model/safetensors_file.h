// The safetensors format (Hugging Face's), written and read without its
// library: an 8-byte little-endian header length N, N bytes of JSON
//
//   {"__metadata__": {"k": "v", ...},
//    "NAME": {"dtype": "F32", "shape": [64, 3, 7, 7], "data_offsets": [BEGIN, END]}, ...}
//
// (padded with spaces to a multiple of 8), then the tensors' bytes, row-major
// and little-endian, BEGIN..END counted from the end of the header.
// Python reads it with safetensors.torch.load_file, or with json and numpy
// alone.
#pragma once

#include <filesystem>
#include <map>
#include <string>

#include "libs/model/named_tensors.h"

namespace avflow::model {

// Writes `tensors` (any device, contiguous or not; F64 F32 F16 BF16 I64 I32
// I16 I8 U8 BOOL) and `metadata` to `file`, whole or not at all.
// std::runtime_error naming the file or the tensor.
void write_safetensors(const std::filesystem::path& file, const NamedTensors& tensors,
                       const std::map<std::string, std::string>& metadata = {});

struct SafetensorsContent {
  NamedTensors tensors;  // CPU tensors, in the order of their offsets
  std::map<std::string, std::string> metadata;
};

// std::runtime_error naming the file and what is wrong with it (a header
// that is not JSON, an unknown dtype, offsets outside the data, ...).
SafetensorsContent read_safetensors(const std::filesystem::path& file);

// Whether the file's first bytes look like safetensors (a sane header length
// followed by '{').
bool looks_like_safetensors(const std::filesystem::path& file);

}  // namespace avflow::model
