#include "tests/fuzz/loopback_client.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>

namespace avflow::fuzz {

void LoopbackClient::fail(const char* what) const {
  std::fprintf(stderr, "%s: %s: %s (%d connections open on the server)\n", who.c_str(), what, std::strerror(errno),
               open_connections ? open_connections() : -1);
  std::abort();
}

// Waits for `events` on `fd` for up to 5 s (not answering within it is a
// hang). libFuzzer's timer signal interrupts system calls, so every call
// here retries on EINTR.
void LoopbackClient::wait_for(int fd, short events) const {
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(5);
  for (;;) {
    const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - std::chrono::steady_clock::now());
    pollfd pfd{fd, events, 0};
    const int n = ::poll(&pfd, 1, static_cast<int>(std::max<int64_t>(0, left.count())));
    if (n == 1) return;
    if (n < 0 && errno == EINTR) continue;
    errno = n == 0 ? ETIMEDOUT : errno;
    fail("the server neither answered nor closed within 5 s");
  }
}

std::string LoopbackClient::exchange(uint16_t port, const void* request, size_t size) const {
  const int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (fd < 0) fail("cannot open a socket");
  // Each connection from its own loopback source address (all of
  // 127.0.0.0/8 is local): at a thousand exchanges a second, the closed
  // connections' TIME_WAIT states would use up one address's ports within
  // seconds, and connect would fail for want of a port.
  static uint32_t source = 0;
  source = source % 0xFFFFFD + 1;
  sockaddr_in from{};
  from.sin_family = AF_INET;
  from.sin_addr.s_addr = htonl(0x7F000000u | (source + 1));
  if (::bind(fd, reinterpret_cast<sockaddr*>(&from), sizeof from) != 0) fail("cannot bind a client socket");
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_port = htons(port);
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  if (::connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0) {
    // Interrupted, the connection goes on being made: wait for it.
    if (errno != EINTR) fail("cannot connect");
    wait_for(fd, POLLOUT);
    int error = 0;
    socklen_t length = sizeof error;
    ::getsockopt(fd, SOL_SOCKET, SO_ERROR, &error, &length);
    errno = error;
    if (error != 0) fail("cannot connect");
  }
  const auto* p = static_cast<const char*>(request);
  for (size_t sent = 0; sent < size;) {
    const ssize_t n = ::send(fd, p + sent, size - sent, MSG_NOSIGNAL);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) break;  // the server closed early (a refused request): read its answer
    sent += static_cast<size_t>(n);
  }
  ::shutdown(fd, SHUT_WR);
  std::string answer;
  char buf[4096];
  for (;;) {
    wait_for(fd, POLLIN);
    const ssize_t n = ::recv(fd, buf, sizeof buf, 0);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) break;
    answer.append(buf, static_cast<size_t>(n));
  }
  ::close(fd);
  return answer;
}


}  // namespace avflow::fuzz
