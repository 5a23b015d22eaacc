// A queue of past embeddings of one modality, the memory of temporal
// self-supervision's extended contrastive terms: each step's embeddings go
// in (l2-normalised, without gradient), overwriting the oldest once it is
// full. Its contents are module buffers, so a checkpoint holds them and a
// resumed run sees the same queue. Every operation stays on the device (no
// wait for it): which slots hold an embedding yet is a mask, not a count.
#pragma once

#include <torch/nn/module.h>
#include <torch/nn/pimpl.h>

namespace avflow::temporal {

class EmbeddingQueueImpl : public torch::nn::Module {
 public:
  // Throws std::invalid_argument for size < 1 or dim < 1.
  EmbeddingQueueImpl(int64_t size, int64_t dim);

  // rows [n, d]: stored normalised in the n slots after the last push,
  // wrapping around. Throws std::invalid_argument for n > size (a step's
  // rows would overwrite each other) or a width other than d.
  void push(const at::Tensor& rows);

  const at::Tensor& values() const { return values_; }  // float [size, d], unit rows; zero where empty
  const at::Tensor& filled() const { return filled_; }  // float [size]: 1 where a slot holds an embedding
  int64_t size() const { return values_.size(0); }

 private:
  at::Tensor values_, filled_;
  at::Tensor next_;  // int64 []: the slot the next row goes to
};
TORCH_MODULE(EmbeddingQueue);

// For each key [N, d], a mask over the bank's slots [N, M]: true at its
// `k` nearest filled slots by cosine similarity (fewer while fewer are
// filled). `bank` holds unit rows (an EmbeddingQueue's values), `filled`
// [M] marks the slots in use.
at::Tensor nearest_filled(const at::Tensor& keys, const at::Tensor& bank, const at::Tensor& filled, int64_t k);

}  // namespace avflow::temporal
