// test_capture: a sink that keeps every packet it receives, per node name,
// so operator tests can look at real outputs of a real graph run.
#pragma once

#include <map>
#include <mutex>
#include <string>
#include <vector>

#include "engine/packet.h"

namespace avflow::test {

class Captured {
 public:
  static Captured& instance();
  void add(const std::string& node, Packet p);
  std::vector<Packet> take(const std::string& node);  // and forget them
  void clear();

 private:
  std::mutex mu_;
  std::map<std::string, std::vector<Packet>> packets_;
};

}  // namespace avflow::test
