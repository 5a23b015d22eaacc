// Plain Boost.Asio client connections for the status endpoint's tests,
// well-behaved and hostile. Every operation has a deadline, so a server that
// misbehaves fails a test instead of hanging it.
#pragma once

#include <boost/asio/connect.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/read.hpp>
#include <boost/asio/write.hpp>
#include <chrono>
#include <cstdint>
#include <cstdlib>
#include <fstream>
#include <string>

namespace avflow::test {

namespace asio = boost::asio;
using tcp = asio::ip::tcp;

inline std::chrono::steady_clock::duration seconds(double s) {
  return std::chrono::duration_cast<std::chrono::steady_clock::duration>(std::chrono::duration<double>(s));
}

// One TCP connection to 127.0.0.1:port. Several may share one io_context;
// only the one operating runs it.
class RawConnection {
 public:
  RawConnection(asio::io_context& ioc, uint16_t port) : ioc_(ioc), socket_(ioc) {
    // Completes from the kernel's backlog even before the server accepts.
    socket_.connect(tcp::endpoint(asio::ip::make_address("127.0.0.1"), port), connect_error_);
  }
  bool connected() const { return !connect_error_; }
  std::string connect_error() const { return connect_error_.message(); }

  // Sends all of `bytes`; false when the connection failed (the server
  // closed it) or `timeout_s` passed first.
  bool send(const std::string& bytes, double timeout_s) {
    last_error_ = run([&](auto done) { asio::async_write(socket_, asio::buffer(bytes), done); }, timeout_s);
    return !last_error_;
  }
  // Why the last send failed: operation_aborted when it timed out.
  boost::system::error_code last_error() const { return last_error_; }

  // What the server sends until it closes the connection (end of stream or
  // reset); `*closed` is false when `timeout_s` passed first.
  std::string read_to_close(double timeout_s, bool* closed) {
    std::string got;
    auto ec = run([&](auto done) { asio::async_read(socket_, asio::dynamic_buffer(got), done); }, timeout_s);
    *closed = ec && ec != asio::error::operation_aborted;
    return got;
  }

  void close() {
    boost::system::error_code ignored;
    socket_.close(ignored);
  }

 private:
  // Runs one asynchronous operation to completion or the deadline (then
  // cancels it: operation_aborted).
  template <class Start>
  boost::system::error_code run(Start start, double timeout_s) {
    bool done = false;
    boost::system::error_code result;
    start([&](boost::system::error_code ec, std::size_t) {
      done = true;
      result = ec;
    });
    ioc_.restart();
    ioc_.run_for(seconds(timeout_s));
    if (!done) {
      boost::system::error_code ignored;
      socket_.cancel(ignored);
      ioc_.restart();
      ioc_.run();
    }
    return result;
  }

  asio::io_context& ioc_;
  tcp::socket socket_;
  boost::system::error_code connect_error_, last_error_;
};

struct HttpReply {
  int status = 0;  // 0: no reply (refused, reset, or nothing in time)
  std::string head;
  std::string body;
};

inline HttpReply parse_reply(const std::string& text) {
  HttpReply r;
  const auto end = text.find("\r\n\r\n");
  if (text.rfind("HTTP/1.", 0) != 0 || end == std::string::npos || text.size() < 12) return r;
  r.status = std::atoi(text.substr(9, 3).c_str());
  r.head = text.substr(0, end + 2);
  r.body = text.substr(end + 4);
  return r;
}

// One request on a fresh connection that asks the server to close it after.
inline HttpReply http_request(uint16_t port, const std::string& method, const std::string& target,
                              double timeout_s = 10) {
  asio::io_context ioc;
  RawConnection c(ioc, port);
  if (!c.connected()) return {};
  if (!c.send(method + " " + target + " HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n", timeout_s))
    return {};
  bool closed = false;
  const std::string text = c.read_to_close(timeout_s, &closed);
  return closed ? parse_reply(text) : HttpReply{};
}

inline HttpReply http_get(uint16_t port, const std::string& target) { return http_request(port, "GET", target); }

// The value of a header line in `head` ("Content-Type"), empty if absent.
inline std::string header(const HttpReply& r, const std::string& name) {
  const auto at = r.head.find("\r\n" + name + ": ");
  if (at == std::string::npos) return "";
  const auto from = at + name.size() + 4;
  return r.head.substr(from, r.head.find("\r\n", from) - from);
}

// This process's resident memory in KiB (VmRSS).
inline long resident_kib() {
  std::ifstream in("/proc/self/status");
  for (std::string line; std::getline(in, line);)
    if (line.rfind("VmRSS:", 0) == 0) return std::atol(line.c_str() + 6);
  return -1;
}

}  // namespace avflow::test
