#include "libs/temporal/multi_positive_nce.h"

#include <stdexcept>

namespace avflow::temporal {

at::Tensor multi_positive_nce(const at::Tensor& scores, const at::Tensor& positive, const at::Tensor& candidate,
                              double tau) {
  if (tau <= 0) throw std::invalid_argument("tau must be positive");
  if (scores.dim() != 2 || positive.sizes() != scores.sizes() || candidate.sizes() != scores.sizes())
    throw std::invalid_argument("multi_positive_nce: scores and both masks must be [N, C] alike");
  // A large finite stand-in for -inf: an anchor without positives gives a
  // finite value (then dropped) and a zero gradient, not NaN.
  constexpr double kExcluded = -1e9;
  const at::Tensor logits = scores / tau;
  const at::Tensor pos = positive & candidate;
  const at::Tensor all = at::logsumexp(logits.masked_fill(~candidate, kExcluded), 1);
  const at::Tensor pulled = at::logsumexp(logits.masked_fill(~pos, kExcluded), 1);
  const at::Tensor kept = pos.any(1);
  const at::Tensor per_anchor = at::where(kept, all - pulled, at::zeros_like(all));
  return per_anchor.sum() / kept.sum().clamp_min(1).to(per_anchor.scalar_type());
}

}  // namespace avflow::temporal
