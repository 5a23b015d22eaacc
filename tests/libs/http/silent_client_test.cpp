// A client that connects and sends nothing holds its place only until the
// read timeout: then it is disconnected, without an answer, and the next
// client is let in. Against the core and both servers built on it.
#include <catch2/catch.hpp>

#include "tests/libs/http/served_target.h"
#include "tests/support/stream_client.h"

using namespace avflow::test;

TEST_CASE("a client that sends nothing is disconnected at the read timeout and its place freed",
          "[http][hostile][silent_client]") {
  const ServedKind kind = GENERATE(ServedKind::core, ServedKind::status_server, ServedKind::result_stream);
  INFO(name_of(kind));
  auto target = start_served(kind, HostileLimits{});

  StreamClient silent(target->port());
  REQUIRE(silent.connected());
  const auto start = StreamClock::now();
  CHECK_FALSE(let_in(*target));  // it holds the one place
  CHECK(silent.read_to_close(target->read_timeout_s() + 20));
  const double held = seconds_since(start);
  CHECK(silent.raw().empty());
  CHECK(held > 0.8 * target->read_timeout_s());  // the timeout, not at once
  CHECK(held < target->read_timeout_s() + 5);
  CHECK(eventually_let_in(*target, 10));
}
