// What a run's encoders were trained on, for the input spec `avflow export`
// writes beside the weights (input_spec.json): read from the run's resolved
// graph (DIR/graph.toml, every parameter written out) and from a shard it
// read.
//
//   video  frames T and fps (the shards' header), the crop side (clip_augment,
//          random_crop or fixed_crop), mean and std (clip_augment or normalize)
//   audio  sample rate, channels and seconds (the shards' header), and every
//          parameter of the mel node
#pragma once

#include <string>
#include <vector>

#include "engine/graph_spec.h"

namespace avflow::cli {

struct EncoderInputs {
  std::string video = "null";  // JSON objects; null when the graph says nothing
  std::string audio = "null";
  std::vector<std::string> missing;  // what could not be found, one phrase each
};

EncoderInputs encoder_inputs(const GraphSpec& graph);

}  // namespace avflow::cli
