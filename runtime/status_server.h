// A small HTTP/1.1 server for the live status of a run (avflow run
// --status-port): GET of a few fixed pages, each made by a provider function
// on the server's own thread. It knows nothing of executors: the run command
// hands it the pages (/metrics, /status, /graph).
//
// A monitoring port must never hurt the run it watches, so every resource a
// client can hold is bounded: request size, time to send a request, time to
// take a response, requests per connection and connections at once. A client
// past a bound is answered with an error status where that is cheap, and
// disconnected. Beast stays out of this header so that its includers do not
// compile it.
#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <string>

namespace avflow::cli {

struct StatusServerOptions {
  std::string address = "127.0.0.1";  // loopback unless asked: the pages name files and nodes
  uint16_t port = 0;                   // 0: the kernel picks a free one, see StatusServer::port()
  std::size_t max_header_bytes = 8 * 1024;  // request line and headers; beyond: 431 and closed
  std::size_t max_body_bytes = 1024;        // GET carries none; beyond: 413 and closed
  // Each request must arrive whole within this, counted from when the server
  // starts waiting for it (so it also bounds an idle keep-alive connection).
  std::chrono::milliseconds read_timeout{5000};
  std::chrono::milliseconds write_timeout{5000};  // each response, for a client that does not read
  int max_requests_per_connection = 100;          // then the response says Connection: close
  int max_connections = 64;  // open at once; beyond: 503 and closed at once
};

struct StatusPage {
  std::string content_type;
  std::function<std::string()> body;  // called on the server thread for every GET
};

class StatusServer {
 public:
  // Listens before returning (throws std::runtime_error naming the address
  // when it cannot), then serves `pages` (by path: "/metrics") from its own
  // thread until destroyed.
  StatusServer(StatusServerOptions options, std::map<std::string, StatusPage> pages);
  // Stops the thread and closes every connection, also those of clients in
  // the middle of a request or response.
  ~StatusServer();
  StatusServer(const StatusServer&) = delete;
  StatusServer& operator=(const StatusServer&) = delete;

  uint16_t port() const;
  // Connections being served now (for tests and logs).
  int open_connections() const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace avflow::cli
