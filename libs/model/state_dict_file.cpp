#include "libs/model/state_dict_file.h"

#include <stdexcept>

#include "libs/model/safetensors_file.h"
#include "libs/model/torch_save_file.h"

namespace avflow::model {
namespace fs = std::filesystem;

StateDictFormat state_dict_format(const std::string& name) {
  if (name == "pt") return StateDictFormat::kTorchSave;
  if (name == "safetensors") return StateDictFormat::kSafetensors;
  throw std::invalid_argument("unknown weights format '" + name + "' (pt or safetensors)");
}

const char* state_dict_extension(StateDictFormat format) {
  return format == StateDictFormat::kTorchSave ? ".pt" : ".safetensors";
}

void write_state_dict(const fs::path& file, const NamedTensors& tensors, StateDictFormat format,
                      const std::map<std::string, std::string>& metadata) {
  if (format == StateDictFormat::kTorchSave)
    write_torch_save(file, tensors);
  else
    write_safetensors(file, tensors, metadata);
}

NamedTensors read_state_dict(const fs::path& file) {
  if (!fs::is_regular_file(file)) throw std::runtime_error(file.string() + ": no such file");
  if (looks_like_zip(file)) return read_torch_save(file);
  if (looks_like_safetensors(file)) return read_safetensors(file).tensors;
  throw std::runtime_error(file.string() +
                           ": neither a torch.save file (a zip archive) nor safetensors (an 8-byte header length and "
                           "a JSON header)");
}

}  // namespace avflow::model
