// The graph the train_step tests run: two test_tensor_feed sources (named
// "video" and "audio" in the TensorFeed), a train_step node "train" with the
// given parameters, and its metrics into test_capture "cap".
#pragma once

#include <string>

#include "tests/operators/run_graph.h"

namespace avflow::test {

inline std::string train_graph_toml(const std::string& train_params) {
  return node_toml("video", "test_tensor_feed") + node_toml("audio", "test_tensor_feed") +
         node_toml("train", "train_step", train_params) + node_toml("cap", "test_capture") +
         edge_toml("video", "train.video") + edge_toml("audio", "train.audio") + edge_toml("train.metrics", "cap");
}

}  // namespace avflow::test
