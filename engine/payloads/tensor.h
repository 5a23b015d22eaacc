// Tensor payload: an immutable handle to a LibTorch tensor.
//
// Torch headers are heavy (tens of seconds per translation unit), so this
// header only forward-declares at::Tensor: payload structs and engine-side
// code can hold tensors without paying for torch. Operators that compute
// include <ATen/ATen.h> or <torch/torch.h> themselves and call get().
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "engine/payload.h"

namespace at {
class Tensor;
}

namespace avflow {

class Tensor {
 public:
  Tensor();  // an undefined tensor
  explicit Tensor(at::Tensor t);
  Tensor(const Tensor&) = default;
  Tensor(Tensor&&) noexcept = default;
  Tensor& operator=(const Tensor&) = default;
  Tensor& operator=(Tensor&&) noexcept = default;
  ~Tensor();

  const at::Tensor& get() const;
  bool defined() const;
  std::vector<int64_t> sizes() const;
  std::string str() const;  // "8x96x301 float cpu"

  // A batch's items (their source item numbers, Context::item()) in the
  // order of its first dimension; empty for a tensor that is no batch.
  const std::vector<uint64_t>& items() const { return items_; }
  Tensor& with_items(std::vector<uint64_t> items) {
    items_ = std::move(items);
    return *this;
  }

 private:
  std::shared_ptr<const at::Tensor> t_;
  std::vector<uint64_t> items_;
};

std::string describe(const Tensor& t);

}  // namespace avflow

AVFLOW_PAYLOAD(avflow::Tensor, "tensor", "a LibTorch tensor (any shape, dtype and device)")
