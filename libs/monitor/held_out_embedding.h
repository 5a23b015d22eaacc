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
  std::vector<at::Tensor> video;  // per snippet, [3, T, H, W], float or half (embedded as float)
  std::vector<at::Tensor> audio;  // per snippet, [1, mels, frames], float or half
  std::vector<int64_t> groups;    // per snippet, its group's number (held_out_groups.h)

  size_t size() const { return groups.size(); }
};

struct HeldOutEmbeddings {
  at::Tensor video, audio;  // [N, d] each, on the CPU, float
};

// Embeds the sample `batch` snippets at a time on the model's device, in
// float, without gradients. The model must be in evaluation mode (a ModelSnapshot
// is), so batch norm uses, and never updates, its running statistics:
// throws std::logic_error otherwise, and std::invalid_argument for an empty
// sample, batch < 1 or mismatched lengths.
HeldOutEmbeddings embed_held_out(model::AvModelImpl& model, const HeldOutSample& sample, int64_t batch);

}  // namespace avflow::monitor
