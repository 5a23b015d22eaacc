// Fuzz target: the HTTP request path of the live result stream
// (libs/http/line_stream_server.h, what result_stream serves): Beast's
// parsing under the connection core's bounds, then the stream's own routing
// (GET on its paths opens a chunked stream, anything else is refused),
// driven through a real loopback socket, as a hostile client would.
//
// The server is ended once at start, so that a request that opens a stream
// gets its head and its last chunk at once and every input ends in bounded
// time. Must hold: the server answers or drops each connection and keeps
// serving (GET /results after each input must still get its whole, empty
// stream).
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>

#include "engine/log.h"
#include "libs/http/line_stream_server.h"
#include "tests/fuzz/loopback_client.h"

namespace {

using avflow::http::LineStreamOptions;
using avflow::http::LineStreamServer;

LineStreamServer& server() {
  static LineStreamServer s([] {
    LineStreamOptions o;
    o.paths = {"/", "/results"};
    o.usage = "GET /results streams the results as JSON lines";
    o.max_clients = 8;
    o.write_timeout = std::chrono::milliseconds(500);
    o.log_name = "result_http_fuzz";
    return o;
  }());
  return s;
}

const avflow::fuzz::LoopbackClient& client() {
  static const avflow::fuzz::LoopbackClient c{"result_http_fuzz", [] { return -1; }};
  return c;
}

}  // namespace

extern "C" int LLVMFuzzerInitialize(int*, char***) {
  avflow::log::set_level(avflow::log::Level::error);
  server().publish("{\"index\":0}\n");
  server().end(std::chrono::milliseconds(100));
  return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const uint16_t port = server().port();
  client().exchange(port, data, size);
  static const char kGet[] = "GET /results HTTP/1.1\r\nHost: x\r\n\r\n";
  const std::string answer = client().exchange(port, kGet, sizeof kGet - 1);
  if (answer.rfind("HTTP/1.1 200", 0) != 0 || answer.find("\r\n0\r\n\r\n") == std::string::npos) {
    std::fprintf(stderr, "result_http_fuzz: the server stopped answering: '%s'\n", answer.c_str());
    std::abort();
  }
  return 0;
}
