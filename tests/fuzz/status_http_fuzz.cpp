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
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <map>
#include <memory>
#include <string>

#include "engine/log.h"
#include "runtime/status_server.h"
#include "tests/fuzz/loopback_client.h"

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

const avflow::fuzz::LoopbackClient& client() {
  static const avflow::fuzz::LoopbackClient c{"status_http_fuzz", [] { return server().open_connections(); }};
  return c;
}

}  // namespace

extern "C" int LLVMFuzzerInitialize(int*, char***) {
  avflow::log::set_level(avflow::log::Level::error);
  server();
  return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const uint16_t port = server().port();
  client().exchange(port, data, size);
  static const char kPing[] = "GET /ping HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n";
  const std::string pong = client().exchange(port, kPing, sizeof kPing - 1);
  if (pong.rfind("HTTP/1.1 200", 0) != 0 || pong.find("pong") == std::string::npos) {
    std::fprintf(stderr, "status_http_fuzz: the server stopped answering: '%s'\n", pong.c_str());
    std::abort();
  }
  return 0;
}
