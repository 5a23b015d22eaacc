// A TCP port on 127.0.0.1 that nothing listens on now, for a server about to
// start (the rank-0 store of `avflow launch`, the tests' servers). It is
// drawn at random below the kernel's ephemeral range
// (/proc/sys/net/ipv4/ip_local_port_range), where no outgoing connection is
// given a port, and checked by binding it; only if that fails a hundred
// times does the kernel pick one (a socket bound to port 0). Another process
// may still take it before it is used, so callers use it at once.
// Header-only: the launcher and the tests that start ranks both need it.
#pragma once

#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <fstream>
#include <random>
#include <stdexcept>
#include <string>

namespace avflow::cli {

// Binds 127.0.0.1:port (0: any) and returns the port bound, or 0.
inline int bind_local_port(int port) {
  const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  if (fd < 0) throw std::runtime_error(std::string("cannot open a socket to find a free port: ") + std::strerror(errno));
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  address.sin_port = htons(static_cast<uint16_t>(port));
  socklen_t length = sizeof address;
  const bool ok = ::bind(fd, reinterpret_cast<sockaddr*>(&address), sizeof address) == 0 &&
                  ::getsockname(fd, reinterpret_cast<sockaddr*>(&address), &length) == 0;
  ::close(fd);
  return ok ? ntohs(address.sin_port) : 0;
}

inline int free_local_port() {
  int ephemeral_low = 32768;
  std::ifstream("/proc/sys/net/ipv4/ip_local_port_range") >> ephemeral_low;
  if (ephemeral_low > 10000 + 1000) {
    std::random_device seed;
    std::mt19937 draw(seed());
    std::uniform_int_distribution<int> below(10000, ephemeral_low - 1);
    for (int attempt = 0; attempt < 100; ++attempt)
      if (const int port = bind_local_port(below(draw)); port != 0) return port;
  }
  if (const int port = bind_local_port(0); port != 0) return port;
  throw std::runtime_error(std::string("cannot find a free port on 127.0.0.1: ") + std::strerror(errno));
}

}  // namespace avflow::cli
