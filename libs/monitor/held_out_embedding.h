// The KL monitor's held-out sample and its embedding by a model snapshot.
//
// The sample is fixed for a run (the same snippets, prepared the same way,
// in the same order), so successive measurements differ only by the model.
#pragma once

#include <ATen/ATen.h>

#include <cstdint>
#include <vector>

#include "libs/model/av_model.h"

namespace avflow::monitor {

struct HeldOutSample {
  std::vector<at::Tensor> video;  // per snippet, float [3, T, H, W]
  std::vector<at::Tensor> audio;  // per snippet, float [1, mels, frames]
  std::vector<int64_t> titles;    // per snippet, a number per title

  size_t size() const { return titles.size(); }
};

struct HeldOutEmbeddings {
  at::Tensor video, audio;  // [N, d] each, on the CPU, float
};

// Embeds the sample `batch` snippets at a time on the model's device,
// without gradients. The model must be in evaluation mode (a ModelSnapshot
// is), so batch norm uses, and never updates, its running statistics:
// throws std::logic_error otherwise, and std::invalid_argument for an empty
// sample, batch < 1 or mismatched lengths.
HeldOutEmbeddings embed_held_out(model::AvModelImpl& model, const HeldOutSample& sample, int64_t batch);

}  // namespace avflow::monitor
