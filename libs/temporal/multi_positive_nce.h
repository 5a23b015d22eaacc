// InfoNCE with several positives per anchor, the loss of temporal
// self-supervision's extended contrastive terms:
//
//   l_i = -log( sum_{p in P_i} exp(s_ip / tau) / sum_{c in C_i} exp(s_ic / tau) )
//
// over each anchor's candidates C_i (its batch's other clips, a queue of
// past embeddings, its own transformed clips) of which P_i are positives
// (P_i within C_i): the positives together against everything else.
#pragma once

#include <ATen/ATen.h>

namespace avflow::temporal {

// scores [N, C] (cosine similarities), positive and candidate bool [N, C].
// The mean of l_i over the anchors with at least one positive (the others
// have nothing to pull towards and are left out); 0 when none has one.
// Differentiable w.r.t. scores. Throws std::invalid_argument for masks of
// another shape or tau <= 0.
at::Tensor multi_positive_nce(const at::Tensor& scores, const at::Tensor& positive, const at::Tensor& candidate,
                              double tau);

}  // namespace avflow::temporal
