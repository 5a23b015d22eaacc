#include "libs/temporal/embedding_queue.h"

#include <ATen/ATen.h>
#include <torch/torch.h>

#include <algorithm>
#include <stdexcept>
#include <string>

namespace avflow::temporal {

EmbeddingQueueImpl::EmbeddingQueueImpl(int64_t size, int64_t dim) {
  if (size < 1 || dim < 1)
    throw std::invalid_argument("an embedding queue needs a size and a width of at least 1, not " +
                                std::to_string(size) + " x " + std::to_string(dim));
  values_ = register_buffer("values", torch::zeros({size, dim}));
  filled_ = register_buffer("filled", torch::zeros({size}));
  next_ = register_buffer("next", torch::zeros({}, torch::kLong));
}

void EmbeddingQueueImpl::push(const at::Tensor& rows) {
  const int64_t n = rows.size(0);
  if (n > size())
    throw std::invalid_argument("a batch of " + std::to_string(n) + " embeddings does not fit a queue of " +
                                std::to_string(size()));
  if (rows.dim() != 2 || rows.size(1) != values_.size(1))
    throw std::invalid_argument("embeddings of width " + std::to_string(rows.dim() == 2 ? rows.size(1) : -1) +
                                " pushed to a queue of width " + std::to_string(values_.size(1)));
  torch::NoGradGuard no_grad;
  const at::Tensor r = rows.detach().to(values_.options());
  const at::Tensor unit = r / r.norm(2, 1, true).clamp_min(1e-12);
  const at::Tensor slots = (next_ + at::arange(n, next_.options())).remainder(size());
  values_.index_copy_(0, slots, unit);
  filled_.index_fill_(0, slots, 1.0);
  next_.add_(n).remainder_(size());
}

at::Tensor nearest_filled(const at::Tensor& keys, const at::Tensor& bank, const at::Tensor& filled, int64_t k) {
  const int64_t m = bank.size(0);
  at::Tensor chosen = at::zeros({keys.size(0), m}, keys.options().dtype(at::kBool));
  if (k < 1 || m == 0 || keys.size(0) == 0) return chosen;
  const at::Tensor k_unit = keys / keys.norm(2, 1, true).clamp_min(1e-12);
  // Empty slots rank last and are never chosen.
  const at::Tensor similarity =
      at::matmul(k_unit, bank.t()).masked_fill(filled.unsqueeze(0) <= 0, -std::numeric_limits<float>::infinity());
  const at::Tensor index = std::get<1>(similarity.topk(std::min(k, m), 1));
  chosen.scatter_(1, index, filled.index_select(0, index.reshape({-1})).reshape(index.sizes()) > 0);
  return chosen;
}

}  // namespace avflow::temporal
