// test_capture: a sink that keeps every packet it receives, per node name,
// so operator tests can look at real outputs of a real graph run.
#pragma once

#include <cstdint>
#include <map>
#include <mutex>
#include <string>
#include <vector>

#include "engine/packet.h"

namespace avflow::test {

class Captured {
 public:
  static Captured& instance();
  void add(const std::string& node, uint64_t item, Packet p);
  std::vector<Packet> take(const std::string& node);  // in arrival order, and forget them
  // In the order of the source items they derive from (stable for fan-out).
  std::vector<Packet> take_in_item_order(const std::string& node);
  // The item numbers of what `node` received, in arrival order (kept).
  std::vector<uint64_t> items(const std::string& node);
  void clear();

 private:
  struct Entry {
    uint64_t item;
    Packet packet;
  };
  std::mutex mu_;
  std::map<std::string, std::vector<Entry>> packets_;
};

}  // namespace avflow::test
