// A plain-socket HTTP client for tests of avflow's servers, well-behaved or
// hostile: it sends what it is told, reads (or peeks at) what arrives and
// decodes a chunked body as it comes. Every wait has a deadline, so a server
// that misbehaves fails a test instead of hanging it.
#pragma once

#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <cstdint>
#include <cstdlib>
#include <fstream>
#include <functional>
#include <string>
#include <thread>
#include <vector>

namespace avflow::test {

using StreamClock = std::chrono::steady_clock;

inline double seconds_since(StreamClock::time_point t) {
  return std::chrono::duration<double>(StreamClock::now() - t).count();
}

// One TCP connection to 127.0.0.1:port, retried while nothing listens yet
// (an operator opens its server when the run starts).
class StreamClient {
 public:
  // `receive_buffer` > 0 sets SO_RCVBUF before connecting: a small window, so
  // that the server's writes stall soon once the client stops reading.
  explicit StreamClient(int port, int receive_buffer = 0, double timeout_s = 30) {
    const auto until = StreamClock::now() + std::chrono::duration<double>(timeout_s);
    for (;;) {
      fd_ = ::socket(AF_INET, SOCK_STREAM, 0);
      if (fd_ < 0) return;
      if (receive_buffer > 0) ::setsockopt(fd_, SOL_SOCKET, SO_RCVBUF, &receive_buffer, sizeof receive_buffer);
      sockaddr_in a{};
      a.sin_family = AF_INET;
      a.sin_port = htons(static_cast<uint16_t>(port));
      a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
      if (::connect(fd_, reinterpret_cast<sockaddr*>(&a), sizeof a) == 0) return;
      ::close(fd_);
      fd_ = -1;
      if (StreamClock::now() > until) return;
      std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
  }
  ~StreamClient() { close(); }
  StreamClient(const StreamClient&) = delete;
  StreamClient& operator=(const StreamClient&) = delete;

  bool connected() const { return fd_ >= 0; }
  // Lets a client that was slow read faster (window and buffer as the
  // kernel allows), to take what is left before a deadline.
  void widen_receive_buffer() {
    const int bytes = 4 << 20;
    if (fd_ >= 0) ::setsockopt(fd_, SOL_SOCKET, SO_RCVBUF, &bytes, sizeof bytes);
  }
  void close() {
    if (fd_ >= 0) ::close(fd_);
    fd_ = -1;
  }

  bool send(const std::string& bytes) {
    return fd_ >= 0 && ::send(fd_, bytes.data(), bytes.size(), MSG_NOSIGNAL) == static_cast<ssize_t>(bytes.size());
  }
  bool send_get(const std::string& target = "/results") {
    return send("GET " + target + " HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n");
  }

  // Waits until the response head has arrived and returns it, without taking
  // anything from the socket (MSG_PEEK): the client stays a client that never
  // read. "" when the connection closed first or `timeout_s` passed.
  std::string peek_head(double timeout_s) {
    const auto until = StreamClock::now() + std::chrono::duration<double>(timeout_s);
    std::string buf(64 * 1024, '\0');
    while (fd_ >= 0 && StreamClock::now() < until) {
      pollfd p{fd_, POLLIN, 0};
      if (::poll(&p, 1, 50) <= 0) continue;
      const ssize_t n = ::recv(fd_, buf.data(), buf.size(), MSG_PEEK | MSG_DONTWAIT);
      if (n == 0) return "";
      if (n < 0) {
        if (errno == EAGAIN || errno == EINTR) continue;
        return "";
      }
      const std::string seen(buf.data(), static_cast<size_t>(n));
      const auto end = seen.find("\r\n\r\n");
      if (end != std::string::npos) return seen.substr(0, end + 4);
      std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
    return "";
  }

  // Reads what arrives until `enough()` holds (checked after every read),
  // the server closes the connection (or resets it) or `timeout_s` passes;
  // the value of `enough()` at the end.
  bool read_until(const std::function<bool()>& enough, double timeout_s) {
    const auto until = StreamClock::now() + std::chrono::duration<double>(timeout_s);
    std::string buf(64 * 1024, '\0');
    while (!enough() && !closed_ && fd_ >= 0 && StreamClock::now() < until) {
      pollfd p{fd_, POLLIN, 0};
      if (::poll(&p, 1, 50) <= 0) continue;
      const ssize_t n = ::recv(fd_, buf.data(), buf.size(), MSG_DONTWAIT);
      if (n < 0 && (errno == EAGAIN || errno == EINTR)) continue;
      if (n <= 0) {
        closed_ = true;
        break;
      }
      raw_.append(buf.data(), static_cast<size_t>(n));
      decode();
    }
    return enough();
  }
  bool read_to_close(double timeout_s) {
    return read_until([&] { return closed_; }, timeout_s);
  }

  bool closed() const { return closed_; }      // by the server (end of stream or reset)
  const std::string& raw() const { return raw_; }
  std::string head() const {
    const auto end = raw_.find("\r\n\r\n");
    return end == std::string::npos ? "" : raw_.substr(0, end + 4);
  }
  const std::vector<std::string>& lines() const { return lines_; }  // whole chunks of the body
  bool ended() const { return ended_; }  // the last (empty) chunk arrived

 private:
  // Takes the complete chunks of a chunked body out of raw_.
  void decode() {
    if (body_ == std::string::npos) {
      const auto end = raw_.find("\r\n\r\n");
      if (end == std::string::npos) return;
      body_ = end + 4;
    }
    while (!ended_) {
      const auto size_end = raw_.find("\r\n", body_);
      if (size_end == std::string::npos) return;
      const size_t size = std::strtoul(raw_.substr(body_, size_end - body_).c_str(), nullptr, 16);
      if (size == 0) {
        ended_ = true;
        return;
      }
      if (raw_.size() < size_end + 2 + size + 2) return;
      lines_.push_back(raw_.substr(size_end + 2, size));
      body_ = size_end + 2 + size + 2;
    }
  }

  int fd_ = -1;
  std::string raw_;
  size_t body_ = std::string::npos;
  std::vector<std::string> lines_;
  bool closed_ = false, ended_ = false;
};

// The status code of a response head ("HTTP/1.1 503 ..."); 0 when there is none.
inline int status_of(const std::string& head) {
  if (head.rfind("HTTP/1.1 ", 0) != 0 || head.size() < 12) return 0;
  return std::atoi(head.substr(9, 3).c_str());
}

// Whether the head has the header line `line` ("Retry-After: 1").
inline bool has_header(const std::string& head, const std::string& line) {
  return head.find("\r\n" + line + "\r\n") != std::string::npos;
}

// Lines of `line_bytes` that are sure to outgrow what the kernel buffers for
// a client that never reads: three times the largest TCP send buffer.
inline int64_t lines_beyond_socket_buffers(int64_t line_bytes) {
  int64_t low = 0, initial = 0, max = 4 << 20;
  std::ifstream("/proc/sys/net/ipv4/tcp_wmem") >> low >> initial >> max;
  if (max <= 0) max = 4 << 20;
  return std::max<int64_t>(200, 3 * max / line_bytes + 64);
}

}  // namespace avflow::test
