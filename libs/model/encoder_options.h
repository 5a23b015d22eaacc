// Size of an encoder: the paper's models are the defaults; a tiny variant
// (width 8, one block per stage) trains on a CPU in seconds.
#pragma once

#include <cstdint>
#include <stdexcept>
#include <string>
#include <vector>

namespace avflow::model {

struct EncoderOptions {
  int64_t width = 64;                      // channels of the first stage; stage s has width * 2^s
  std::vector<int64_t> blocks{2, 2, 2, 2};  // residual blocks per stage (18 layers: 2, 2, 2, 2)

  int64_t out_channels() const { return width << (blocks.size() - 1); }
  void check(const std::string& which) const {
    if (width < 1) throw std::invalid_argument(which + ": width must be at least 1");
    if (blocks.empty() || blocks.size() > 6) throw std::invalid_argument(which + ": 1 to 6 stages of blocks");
    for (int64_t b : blocks)
      if (b < 1) throw std::invalid_argument(which + ": every stage needs at least one block");
  }
};

}  // namespace avflow::model
