// A client that asks for a response far larger than the socket buffers (a
// big page, or the result stream while lines flow) and never reads is
// disconnected at the write timeout with the response cut short, and its
// place is freed. Against the core and both servers built on it.
#include <catch2/catch.hpp>
#include <string>

#include "tests/libs/http/served_target.h"
#include "tests/support/stream_client.h"

using namespace avflow::test;

namespace {

constexpr int kSmallWindow = 4096;  // the slow client's receive buffer

// Whether `c` got the whole response: the body its Content-Length announced,
// or the last chunk.
bool whole_response(const StreamClient& c) {
  const std::string head = c.head();
  if (head.empty()) return false;
  const auto at = head.find("\r\nContent-Length: ");
  if (at == std::string::npos) return c.ended();
  return c.raw().size() - head.size() >= std::stoul(head.substr(at + 18));
}

}  // namespace

TEST_CASE("a client that does not read is disconnected at the write timeout and its place freed",
          "[http][hostile][slow_client]") {
  const ServedKind kind = GENERATE(ServedKind::core, ServedKind::status_server, ServedKind::result_stream);
  INFO(name_of(kind));
  auto target = start_served(kind, HostileLimits{});  // 1 s write timeout

  StreamClient slow(target->port(), kSmallWindow);
  REQUIRE(slow.send_get(target->big_target()));
  REQUIRE(status_of(slow.peek_head(30)) == 200);
  const auto start = StreamClock::now();
  target->make_traffic(lines_beyond_socket_buffers(33000));
  CHECK_FALSE(let_in(*target));  // it holds the one place while a write waits

  CHECK(eventually_let_in(*target, 60));
  const double held = seconds_since(start);
  CHECK(held >= 0.8);  // a write waited for the timeout first
  slow.widen_receive_buffer();
  CHECK(slow.read_to_close(60));
  CHECK_FALSE(whole_response(slow));
}
