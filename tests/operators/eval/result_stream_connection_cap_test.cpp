// result_stream serves at most `max_clients` HTTP clients at once: the next
// one gets "503 Service Unavailable" with "Retry-After: 1" and the connection
// closed (or only the close, when its request raced it), without disturbing
// those served; once a served client has left, a new one is served again.
// The latency row counts the clients served and refused.
#include <catch2/catch.hpp>
#include <memory>
#include <string>
#include <thread>

#include "runtime/free_port.h"
#include "tests/operators/eval/result_stream_fixture.h"
#include "tests/support/capture_sink.h"
#include "tests/support/scalar_rows.h"

using namespace avflow;
using namespace avflow::test;

namespace {

// Connects, asks for the stream and reads the head of the answer.
std::unique_ptr<StreamClient> subscribe(int port) {
  auto c = std::make_unique<StreamClient>(port);
  if (c->send_get()) c->read_until([&] { return !c->head().empty(); }, 30);
  return c;
}

// Reads until `c` has `n` lines.
bool read_lines(StreamClient& c, size_t n) {
  return c.read_until([&] { return c.lines().size() >= n; }, 60);
}

// A client over the cap that sends nothing: it reads the whole refusal.
void check_refused_quietly(int port) {
  StreamClient c(port);
  REQUIRE(c.connected());
  CHECK(c.read_to_close(30));
  const std::string head = c.head();
  INFO(c.raw());
  CHECK(status_of(head) == 503);
  CHECK(head.rfind("HTTP/1.1 503 Service Unavailable\r\n", 0) == 0);
  CHECK(has_header(head, "Retry-After: 1"));
  CHECK(has_header(head, "Content-Length: 0"));
  CHECK(has_header(head, "Connection: close"));
  CHECK(c.raw() == head);  // no body
}

}  // namespace

TEST_CASE("result_stream refuses clients beyond max_clients with 503 and serves again once one leaves",
          "[result_stream][connection_cap]") {
  Captured::instance().clear();
  LiveResultPace::reset();
  const int port = cli::free_local_port();
  const int64_t count = 60;
  BackgroundRun run(live_stream_graph(port, count, 0, "max_clients = 2\nwrite_timeout = 600.0\n"));

  auto a = subscribe(port);
  auto b = subscribe(port);
  INFO(a->raw() << b->raw());
  REQUIRE(status_of(a->head()) == 200);
  REQUIRE(status_of(b->head()) == 200);
  CHECK(has_header(a->head(), "Content-Type: application/x-ndjson"));
  CHECK(has_header(a->head(), "Transfer-Encoding: chunked"));

  // Over the cap: refused, whether the client asks for the stream or not.
  int refused = 0;
  check_refused_quietly(port);
  ++refused;
  {
    StreamClient c(port);
    REQUIRE(c.send_get());
    CHECK(c.read_to_close(30));
    INFO(c.raw());
    // 503 when it reads it before the close, else just the close; never the stream.
    CHECK((status_of(c.head()) == 503 || c.raw().empty()));
    CHECK(c.lines().empty());
    ++refused;
  }

  // Those served are not disturbed.
  LiveResultPace::allow(5);
  REQUIRE(read_lines(*a, 5));
  REQUIRE(read_lines(*b, 5));
  CHECK(index_of(a->lines()[4]) == 4);
  CHECK(index_of(b->lines()[4]) == 4);

  // a leaves. The server learns it when a write to it fails: results go on
  // while a newcomer is refused, until one is let in.
  a->close();
  std::unique_ptr<StreamClient> d;
  int64_t allowed = 5;
  const auto start = StreamClock::now();
  while (!d && seconds_since(start) < 60 && allowed < count - 10) {
    LiveResultPace::allow(++allowed);
    REQUIRE(read_lines(*b, static_cast<size_t>(allowed)));
    auto probe = std::make_unique<StreamClient>(port);
    REQUIRE(probe->connected());
    const auto joined = head_on_joining(*probe);
    REQUIRE(joined);
    const std::string& head = *joined;
    if (status_of(head) == 200) {
      d = std::move(probe);
    } else {
      CHECK((status_of(head) == 503 || head.empty()));
      ++refused;
    }
  }
  INFO("let in after " << allowed << " results and " << refused << " refusals");
  REQUIRE(d);

  // b and d are served now: the next one is refused again.
  check_refused_quietly(port);
  ++refused;

  // Both get the rest of the stream, to its end.
  LiveResultPace::allow_all();
  CHECK(b->read_to_close(60));
  CHECK(d->read_to_close(60));
  CHECK(b->ended());
  CHECK(d->ended());
  REQUIRE(static_cast<int64_t>(b->lines().size()) == count);
  CHECK(index_of(b->lines().back()) == count - 1);
  REQUIRE(!d->lines().empty());
  CHECK(index_of(d->lines().front()) > 4);  // it joined after a had gone
  CHECK(index_of(d->lines().back()) == count - 1);
  const auto result = run.wait(120);
  REQUIRE(result);
  CHECK(result->status == RunStatus::kFinished);

  const auto rows = take_scalars("cap");
  REQUIRE(rows.size() == 1);
  CHECK(scalar(rows[0], "clients") == 3);  // a, b and d
  CHECK(scalar(rows[0], "refused_clients") == refused);
  CHECK(scalar(rows[0], "dropped_lines") == 0);
}
