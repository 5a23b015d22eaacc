// The audio-visual contrastive loss (the paper's Eq. 1): for anchor i the
// positive is the pair (z_v^i, z_a^i); the negatives are every other audio
// embedding against z_v^i (row terms s_ij) and every other video embedding
// against z_a^i (column terms s_ji), with s_ij = z_v^i . z_a^j:
//
//   l_i = -log( e^{s_ii} / (e^{s_ii} + sum_{j!=i} e^{s_ij} + sum_{j!=i} e^{s_ji}) )
//
// The paper sums l_i over the batch; we return the mean over the owned
// anchors. That changes only the scale (Adam is scale-invariant to first
// order; with plain SGD, fold the batch size into the learning rate).
#pragma once

#include <cstdint>

#include <ATen/core/Tensor.h>

namespace avflow::model {

struct ContrastiveLossOptions {
  bool normalize = false;  // false: Eq. 1 on raw dot products; true: l2-normalised embeddings, scores / tau
  double tau = 0.07;       // temperature, used only when normalize (but must be > 0 and finite always)
  // Loss groups: the batch is cut into groups of `group` consecutive rows and
  // each anchor's negatives are the other rows of its group only, so each
  // group has its own Eq. 1; the mean over anchors is then the mean of the
  // groups' losses. The paper's global batch of 512 is 8 GPUs x 64, each
  // GPU's 64 clips one Eq. 1 (group = 64). 0: the whole batch is one group.
  int64_t group = 0;
};

// Which anchors this process owns: rows [first, first + count) of the batch.
// In distributed training z_v and z_a are the all-gathered global batch and
// each rank asks for its own rows; count * loss summed over ranks, divided
// by B, is the loss of the whole batch. count -1: from first to the end.
struct AnchorRows {
  int64_t first = 0;
  int64_t count = -1;
};

// z_v, z_a: [B, d] floating-point tensors on one device, B >= 2; row i of
// each is the positive pair. Returns a 0-dim tensor: the mean of l_i over the
// owned anchors, computed with log-sum-exp (finite for scores in the
// thousands), in float32 for half / bfloat16 inputs and in the inputs' dtype
// otherwise. Differentiable w.r.t. z_v and z_a.
// Throws std::invalid_argument for non-2D, non-float or mismatched inputs,
// B < 2, tau <= 0, rows outside [0, B), a group of 1 or below 0, and B not a
// multiple of the group.
at::Tensor contrastive_loss(const at::Tensor& z_v, const at::Tensor& z_a,
                            const ContrastiveLossOptions& options = {}, AnchorRows rows = {});

}  // namespace avflow::model
