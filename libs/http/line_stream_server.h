// LineStreamServer: streams lines of text, as they are published, to every
// HTTP client that asks for them: GET on one of its paths gets a chunked
// response, one chunk a line, until end(). Live results (result_stream) go
// out through it.
//
// A client never slows the publisher: publish() hands the line to the
// server thread without waiting, each client has a queue of at most
// `client_queue` lines (a line that does not fit is dropped for that client
// and counted), a client that takes no data for `write_timeout` is
// disconnected, and at most `max_clients` are served at once (the next get
// 503). Any other request is answered with `usage` and closed.
#pragma once

#include <chrono>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "libs/http/server.h"

namespace avflow::http {

struct LineStreamOptions {
  std::string address = "127.0.0.1";
  uint16_t port = 0;  // 0: the kernel picks one, see port()
  std::vector<std::string> paths{"/"};
  std::string content_type = "application/x-ndjson";
  std::string usage = "GET / streams the lines";
  size_t client_queue = 64;
  int max_clients = 8;
  std::chrono::milliseconds write_timeout{5000};
  std::string log_name = "line_stream";
};

struct LineStreamHub;

class LineStreamServer {
 public:
  explicit LineStreamServer(const LineStreamOptions& options);
  // Closes every connection: what the clients have not taken is lost (end()
  // gave them their chance).
  ~LineStreamServer();
  LineStreamServer(const LineStreamServer&) = delete;
  LineStreamServer& operator=(const LineStreamServer&) = delete;

  uint16_t port() const;
  int64_t clients() const;          // served, in all
  int64_t dropped_lines() const;    // lines not sent to a slow client
  int64_t refused_clients() const;  // turned away at max_clients

  // Never waits: the line is handed to the server thread.
  void publish(std::string line);

  // Ends every response after its queued lines, and the responses of clients
  // that come later at once; waits up to `grace` for them. Once it returns
  // (within grace), every line published before it has been queued or
  // dropped for each client, so the counters are final.
  void end(std::chrono::milliseconds grace);

 private:
  std::shared_ptr<LineStreamHub> hub_;  // before server_: its handler holds the hub
  Server server_;
};

}  // namespace avflow::http
