// A client over the connection cap gets the core's 503 at once, before it
// sends anything, and the close; once the client served leaves, the next
// client is let in. Against the core and both
// servers built on it.
#include <catch2/catch.hpp>
#include <string>

#include "libs/http/busy_refusal.h"
#include "tests/libs/http/served_target.h"
#include "tests/support/stream_client.h"

using namespace avflow;
using namespace avflow::test;
using namespace std::chrono_literals;

TEST_CASE("a client over the connection cap gets 503 and the close, and is let in once the place frees",
          "[http][hostile][connection_cap]") {
  const ServedKind kind = GENERATE(ServedKind::core, ServedKind::status_server, ServedKind::result_stream);
  INFO(name_of(kind));
  HostileLimits limits;
  limits.read_timeout = 60s;  // the client served keeps its place until it leaves
  auto target = start_served(kind, limits);

  StreamClient served(target->port());
  REQUIRE(served.send_get(target->good_target()));
  REQUIRE(status_of(served.peek_head(30)) == 200);

  StreamClient refused(target->port());
  REQUIRE(refused.connected());
  CHECK(refused.read_to_close(30));
  CHECK(refused.raw() == std::string(http::kBusyResponse));

  served.close();
  CHECK(eventually_let_in(*target, 60));
}
