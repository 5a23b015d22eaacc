// A client that sends bytes that are no HTTP request gets 400 and the close
// at once, not at the read timeout, and its place is freed. Against the core
// and both servers built on it.
#include <catch2/catch.hpp>
#include <string>

#include "tests/libs/http/served_target.h"
#include "tests/support/stream_client.h"

using namespace avflow::test;
using namespace std::chrono_literals;

TEST_CASE("a client that sends garbage gets 400 and the close at once", "[http][hostile][garbage_request]") {
  const ServedKind kind = GENERATE(ServedKind::core, ServedKind::status_server, ServedKind::result_stream);
  const std::string garbage = GENERATE(as<std::string>{},
                                       std::string("\x16\x03\x01\x02\x00\x01\x00\x01\xfc\x03\x03", 11),  // TLS hello
                                       "GET / HTTP/1.1\r\nHost x\r\n\r\n",  // a header without its colon
                                       "GET / HTTP/1.1\r\nContent-Length: many\r\n\r\n");
  INFO(name_of(kind));
  HostileLimits limits;
  limits.read_timeout = 60s;  // so that only the garbage can end the connection soon
  auto target = start_served(kind, limits);

  StreamClient client(target->port());
  REQUIRE(client.send(garbage));
  const auto start = StreamClock::now();
  CHECK(client.read_to_close(30));
  INFO(client.raw());
  CHECK(seconds_since(start) < 3);
  CHECK(status_of(client.head()) == 400);
  CHECK(eventually_let_in(*target, 10));
}
