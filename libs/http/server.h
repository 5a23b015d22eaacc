// The HTTP server core: listens, accepts (retrying shortly after a transient
// failure such as running out of descriptors), refuses clients over the
// connection cap with kBusyResponse, and runs every connection on one
// io_context on its own thread. What the server answers is its handler's.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <string>

#include "libs/http/connection_limits.h"
#include "libs/http/handler.h"

namespace avflow::http {

struct ServerOptions {
  std::string address = "127.0.0.1";  // loopback unless asked
  uint16_t port = 0;                   // 0: the kernel picks a free one, see Server::port()
  int max_connections = 64;            // open at once; beyond: 503 and closed at once
  ConnectionLimits limits;
  std::string log_name = "http server";  // names the server in its log lines
};

class Server {
 public:
  // Listens before returning (throws std::runtime_error saying why it
  // cannot), then serves from its own thread until stopped.
  Server(ServerOptions options, Handler handler);
  ~Server();
  Server(const Server&) = delete;
  Server& operator=(const Server&) = delete;

  // Stops the thread (idempotent). Connections that are waiting are closed
  // when the Server is destroyed; a handler that keeps connections closes
  // its own.
  void stop();

  uint16_t port() const;
  int open_connections() const;
  int64_t refused_connections() const;  // clients turned away at the cap, in all

  // Runs `task` on the server thread, without waiting for it.
  void post(std::function<void()> task);

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace avflow::http
