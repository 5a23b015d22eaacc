// State dicts in the format of Python's torch.save (PyTorch 1.6 and later:
// a zip archive of a pickle, data.pkl, and one record per storage).
//
// Writing goes through LibTorch's pickler (torch::pickle_save of a dict of
// tensors), which torch.load reads as a dict. Reading cannot use LibTorch's
// unpickler, which knows only the pickles TorchScript writes (it fails on
// Python's SETITEM and on the OrderedDict and _metadata of a module's
// state_dict()); read_torch_save runs the part of the pickle machine that
// state dicts use: dicts, lists, tuples, numbers, strings, OrderedDict,
// torch._utils._rebuild_tensor_v2 / _rebuild_parameter over typed storages.
#pragma once

#include <filesystem>

#include "libs/model/named_tensors.h"

namespace avflow::model {

// `tensors` as a dict {name: tensor} (CPU copies), whole or not at all.
void write_torch_save(const std::filesystem::path& file, const NamedTensors& tensors);

// The tensors of the state dict in `file`: the top-level dict, or the dict
// under "state_dict" or "model" when the file is a training script's
// checkpoint; entries that are not tensors are left out. std::runtime_error
// naming the file and what it holds instead (a pickle op avflow does not
// read, a legacy pre-1.6 file, an object that is not a dict, ...).
NamedTensors read_torch_save(const std::filesystem::path& file);

// Whether the file is a zip archive (the first bytes "PK\3\4").
bool looks_like_zip(const std::filesystem::path& file);

}  // namespace avflow::model
