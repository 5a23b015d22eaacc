// Parameters whose 0 means "what a sampler upstream published": a batch's
// size (rank_batch_size) and a trainer's steps per epoch (steps_per_epoch),
// which a sampler states as side values in its open() (Context::publish), so
// that a graph does not repeat them.
#pragma once

#include <stdexcept>
#include <string>

#include "engine/context.h"

namespace avflow {

// The parameter's value, or the side value `side` when it is 0. In open()
// only; throws when it is 0 and nothing upstream published `side`.
inline int64_t param_or_published(const Context& ctx, const Param<int64_t>& param, const std::string& side) {
  const int64_t value = ctx.param(param);
  if (value != 0) return value;
  const auto published = ctx.published(side);
  if (!published)
    throw std::runtime_error(param.spec.name + " = 0 means the " + side +
                             " a node upstream publishes (a sampler, labelled_clips), but none published one; set " +
                             param.spec.name);
  return *published;
}

}  // namespace avflow
