// The per-channel normalisation parameters shared by normalize and
// clip_augment. Defaults are the Kinetics-400 statistics torchvision's video
// models are trained with.
#pragma once

#include <array>
#include <stdexcept>
#include <string>
#include <vector>

#include "engine/params.h"

namespace avflow::video {

inline Param<std::vector<double>> mean_param() {
  return Param<std::vector<double>>{"mean", std::vector<double>{0.43216, 0.394666, 0.37645}, Range{-10.0, 10.0},
                                    "per-channel (R, G, B) mean subtracted from pixels in [0, 1]"};
}
inline Param<std::vector<double>> std_param() {
  return Param<std::vector<double>>{"std", std::vector<double>{0.22803, 0.22145, 0.216989}, Range{1e-6, 1e6},
                                    "per-channel (R, G, B) standard deviation divided by"};
}

// Three values, one per channel; a list of another length throws.
inline std::array<double, 3> rgb_values(const std::vector<double>& v, const std::string& name) {
  if (v.size() != 3)
    throw std::invalid_argument(name + " needs 3 values (R, G, B), got " + std::to_string(v.size()));
  return {v[0], v[1], v[2]};
}

}  // namespace avflow::video
