// A client that disconnects in the middle of its request frees its place at
// once, not at the read timeout. Against the core and both servers built on
// it.
#include <catch2/catch.hpp>
#include <string>

#include "tests/libs/http/served_target.h"
#include "tests/support/stream_client.h"

using namespace avflow::test;
using namespace std::chrono_literals;

TEST_CASE("a client that disconnects mid-request frees its place at once", "[http][hostile][mid_request]") {
  const ServedKind kind = GENERATE(ServedKind::core, ServedKind::status_server, ServedKind::result_stream);
  const std::string part = GENERATE(as<std::string>{}, "GET /sta",  // half a request line
                                    "GET / HTTP/1.1\r\nHost: x\r\n",  // headers without their end
                                    "POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 100\r\n\r\nabc");  // a short body
  INFO(name_of(kind));
  HostileLimits limits;
  limits.read_timeout = 60s;
  auto target = start_served(kind, limits);

  {
    StreamClient client(target->port());
    REQUIRE(client.send(part));
    CHECK_FALSE(let_in(*target));  // it holds the one place
  }
  // Well within result_stream's own read timeout (5 s) and the 60 s of the others.
  CHECK(eventually_let_in(*target, 3));
}
