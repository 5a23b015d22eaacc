// Fuzz target: the HTTP request path of avflow's servers -- the connection
// core of libs/http (request parsing by Beast under avflow's size and time
// bounds, keep-alive, error answers) and the status endpoint's routing --
// driven through a real loopback socket, as a hostile client would.
//
// Input: the bytes a client sends. The client then closes its sending side
// and reads until the server closes, so every input ends in bounded time:
// a server that kept waiting or answered forever would hang the target
// (libFuzzer reports that as a timeout).
// Must hold: the server answers or drops each connection and keeps serving
// (a request for /ping after each input must still be answered).
#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <map>
#include <memory>
#include <string>

#include "engine/log.h"
#include "runtime/status_server.h"

namespace {

using avflow::cli::StatusPage;
using avflow::cli::StatusServer;
using avflow::cli::StatusServerOptions;

StatusServer& server() {
  static StatusServer s = [] {
    StatusServerOptions o;
    o.max_header_bytes = 2048;
    o.max_body_bytes = 256;
    o.read_timeout = std::chrono::milliseconds(500);
    o.write_timeout = std::chrono::milliseconds(500);
    o.max_requests_per_connection = 8;
    std::map<std::string, StatusPage> pages;
    pages["/ping"] = {"text/plain", [] { return std::string("pong\n"); }};
    pages["/metrics"] = {"text/plain; version=0.0.4", [] { return std::string("avflow_up 1\n"); }};
    pages["/status"] = {"application/json", [] { return std::string("{\"state\":\"running\"}\n"); }};
    return StatusServer(o, std::move(pages));
  }();
  return s;
}

[[noreturn]] void fail(const char* what) {
  std::fprintf(stderr, "status_http_fuzz: %s: %s (%d connections open on the server)\n", what, std::strerror(errno),
               server().open_connections());
  std::abort();
}

// Waits for `events` on `fd` for up to 5 s, far above the server's own
// bounds (not answering within it is a hang). libFuzzer's timer signal
// interrupts system calls, so every call here retries on EINTR.
void wait_for(int fd, short events) {
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

// Sends `request`, closes the sending side and returns all the server said.
std::string exchange(uint16_t port, const void* request, size_t size) {
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

}  // namespace

extern "C" int LLVMFuzzerInitialize(int*, char***) {
  avflow::log::set_level(avflow::log::Level::error);
  server();
  return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const uint16_t port = server().port();
  exchange(port, data, size);
  static const char kPing[] = "GET /ping HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n";
  const std::string pong = exchange(port, kPing, sizeof kPing - 1);
  if (pong.rfind("HTTP/1.1 200", 0) != 0 || pong.find("pong") == std::string::npos) {
    std::fprintf(stderr, "status_http_fuzz: the server stopped answering: '%s'\n", pong.c_str());
    std::abort();
  }
  return 0;
}
