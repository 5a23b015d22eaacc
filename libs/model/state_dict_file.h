// A state dict file in either format people exchange weights in: Python's
// torch.save (.pt, .pth) or safetensors. Reading goes by the file's content,
// not its name.
#pragma once

#include <filesystem>
#include <map>
#include <string>

#include "libs/model/named_tensors.h"

namespace avflow::model {

enum class StateDictFormat { kTorchSave, kSafetensors };

// "pt" / "safetensors" -> the format; std::invalid_argument otherwise.
StateDictFormat state_dict_format(const std::string& name);
const char* state_dict_extension(StateDictFormat format);  // ".pt", ".safetensors"

// `metadata` goes into a safetensors header; torch.save files have none.
void write_state_dict(const std::filesystem::path& file, const NamedTensors& tensors, StateDictFormat format,
                      const std::map<std::string, std::string>& metadata = {});

// std::runtime_error naming the file when it is neither format, or broken.
NamedTensors read_state_dict(const std::filesystem::path& file);

}  // namespace avflow::model
