// Model files that load anywhere. torch::nn::Module::save writes each tensor
// on the device it lives on, so a file written from a GPU cannot be read on
// a machine without one (and a GPU file names the device it came from).
// These write CPU copies, contiguous, under Module::save's own keys, so
// Module::load and the PyTorch side read them as before.
#pragma once

#include <torch/nn/module.h>
#include <torch/serialize/output-archive.h>

namespace avflow::model {

// What `module.save(archive)` writes, from CPU copies of its tensors.
void save_cpu_copy(const torch::nn::Module& module, torch::serialize::OutputArchive& archive);

// The device of the module's first parameter or buffer (the CPU when it has none).
at::Device module_device(const torch::nn::Module& module);

}  // namespace avflow::model
