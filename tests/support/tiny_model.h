// The smallest audio-visual model the tests train: both encoders 4 channels
// wide with one residual block per stage, and a small joint space.
#pragma once

#include "libs/model/av_model.h"

namespace avflow::test {

inline model::ModelOptions tiny_model_options(int64_t embedding_dim = 16) {
  model::ModelOptions o;
  o.video = {.width = 4, .blocks = {1, 1, 1, 1}};
  o.audio = {.width = 4, .blocks = {1, 1, 1, 1}};
  o.embedding_dim = embedding_dim;
  return o;
}

}  // namespace avflow::test
