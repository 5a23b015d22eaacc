// A state dict as files hold it: tensors by name, in order.
#pragma once

#include <ATen/core/Tensor.h>

#include <string>
#include <utility>
#include <vector>

namespace avflow::model {

using NamedTensors = std::vector<std::pair<std::string, at::Tensor>>;

}  // namespace avflow::model
