// Fault injection: a network stream that stalls without closing. An HTTP
// server sends part of a title and then nothing, keeping the connection
// open; live_snippets notices within its timeout, reconnects, and goes on
// with what the new connection brings. (The server then goes away, and the
// run ends as a live run does when its source is gone for good: failing
// after max_reconnects attempts, naming the URI.)
#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <ATen/ATen.h>

#include <atomic>
#include <catch2/catch.hpp>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <thread>

#include "libs/media/live_snippet.h"
#include "tests/operators/run_graph.h"
#include "tests/support/capture_sink.h"
#include "tests/support/media_fixtures.h"
#include "tests/support/process.h"

using namespace avflow;
using namespace avflow::media;
using namespace avflow::test;

namespace {

// Serves one file over HTTP/1.0 (no length: the body ends when the
// connection closes, so the client cannot seek). The first connection gets
// `stall_after` bytes of it and then silence, held open until the server is
// destroyed; the second gets the whole file; then the server stops
// listening, so that the client's next attempt is refused.
class StallingHttpServer {
 public:
  StallingHttpServer(std::string body, size_t stall_after) : body_(std::move(body)), stall_after_(stall_after) {
    listener_ = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    sockaddr_in address{};
    address.sin_family = AF_INET;
    address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    socklen_t length = sizeof address;
    REQUIRE(::bind(listener_, reinterpret_cast<sockaddr*>(&address), sizeof address) == 0);
    REQUIRE(::getsockname(listener_, reinterpret_cast<sockaddr*>(&address), &length) == 0);
    REQUIRE(::listen(listener_, 8) == 0);
    port_ = ntohs(address.sin_port);
    thread_ = std::thread([this] { serve(); });
  }
  ~StallingHttpServer() {
    ::shutdown(listener_, SHUT_RDWR);
    thread_.join();
    ::close(listener_);
    for (int fd : held_) ::close(fd);
  }
  int port() const { return port_; }
  int connections() const { return connections_; }

 private:
  void serve() {
    while (connections_ < 2) {
      const int fd = ::accept(listener_, nullptr, nullptr);
      if (fd < 0) return;
      char request[4096];
      (void)::recv(fd, request, sizeof request, 0);  // the request line and headers; any path is the file
      const bool first = connections_++ == 0;
      const std::string head = "HTTP/1.0 200 OK\r\nContent-Type: video/webm\r\n\r\n";
      send_all(fd, head.data(), head.size());
      send_all(fd, body_.data(), first ? stall_after_ : body_.size());
      if (first) {
        held_.push_back(fd);  // silence, but no close
      } else {
        ::close(fd);
      }
    }
    ::shutdown(listener_, SHUT_RDWR);  // refuse whoever comes next
  }
  static void send_all(int fd, const char* data, size_t size) {
    for (size_t sent = 0; sent < size;) {
      const ssize_t n = ::send(fd, data + sent, size - sent, MSG_NOSIGNAL);
      if (n <= 0) return;
      sent += static_cast<size_t>(n);
    }
  }

  std::string body_;
  size_t stall_after_;
  int listener_ = -1, port_ = 0;
  std::atomic<int> connections_{0};
  std::vector<int> held_;
  std::thread thread_;
};

}  // namespace

TEST_CASE("a stream that stalls without closing is noticed within its timeout and reconnected",
          "[media][live][fault]") {
  TempDir dir;
  const auto file = write_test_media(std::filesystem::path(dir.path()) / "clip.webm", {.seconds = 8.0, .width = 160, .height = 90});
  std::ifstream in(file, std::ios::binary);
  const std::string bytes{std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
  StallingHttpServer server(bytes, bytes.size() / 2);
  const auto start = std::chrono::steady_clock::now();
  auto r = run_graph_text(node_toml("src", "live_snippets",
                                    "uri = \"http://127.0.0.1:" + std::to_string(server.port()) + "/clip.webm\"\n"
                                    "frames = 10\nhop = 10\nfps = 5.0\nshort_side = 32\nsample_rate = 16000\n"
                                    "timeout = 1.0\nretry_initial = 0.05\nretry_max = 0.1\nmax_reconnects = 1\n") +
                          node_toml("cap", "test_capture") + edge_toml("src.snippet", "cap"));
  const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  REQUIRE(r.status == RunStatus::kFailed);
  REQUIRE(!r.failures.empty());
  CHECK(r.failures[0].message.find("gave up on http://127.0.0.1:" + std::to_string(server.port())) != std::string::npos);
  CHECK(server.connections() == 2);
  CHECK(seconds < 30);  // the stall cost about the 1 s timeout, not forever
  const auto packets = Captured::instance().take_in_item_order("cap");
  REQUIRE(!packets.empty());
  // Snippets from before the stall, then the whole file again after it.
  CHECK(packets.front().get<LiveSnippet>().reconnects == 0);
  CHECK(packets.back().get<LiveSnippet>().reconnects == 1);
  CHECK(packets.size() >= 5);  // at least the second connection's 8 s at 2 s a snippet, less the last
}
