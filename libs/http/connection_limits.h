// The bounds on what one client connection can hold: a server must never be
// hurt by its clients, so request size, the time to send a request, the time
// to take a response and the requests per connection are all limited.
#pragma once

#include <chrono>
#include <cstddef>

namespace avflow::http {

struct ConnectionLimits {
  std::size_t max_header_bytes = 8 * 1024;  // request line and headers; beyond: 431 and closed
  std::size_t max_body_bytes = 1024;        // beyond: 413 and closed
  // Each request must arrive whole within this, counted from when the server
  // starts waiting for it (so it also bounds an idle keep-alive connection).
  std::chrono::milliseconds read_timeout{5000};
  // Each write (a whole response, a head or one chunk) must be taken within
  // this: a client that stops reading is disconnected, never waited for.
  std::chrono::milliseconds write_timeout{5000};
  int max_requests_per_connection = 100;  // then the response says Connection: close
};

}  // namespace avflow::http
