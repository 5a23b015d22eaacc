// The client side of the HTTP fuzz targets: one connection to a server on
// 127.0.0.1 that sends raw bytes, closes its sending side and reads until
// the server closes. Every wait is bounded (5 s, far above the servers' own
// limits), so a server that neither answers nor closes is reported as a hang
// (abort, naming `who`) instead of stalling the fuzzer.
#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>
#include <string>

namespace avflow::fuzz {

struct LoopbackClient {
  std::string who;                        // the target, for messages
  std::function<int()> open_connections;  // the server's, for messages

  // Sends `size` bytes from `request` on a new connection and returns all
  // the server said before it closed.
  std::string exchange(uint16_t port, const void* request, size_t size) const;

  [[noreturn]] void fail(const char* what) const;

 private:
  void wait_for(int fd, short events) const;
};

}  // namespace avflow::fuzz
