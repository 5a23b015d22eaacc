// result_stream with an HTTP client that asks for the stream and stops
// reading: lines that do not fit its queue (`client_queue`) are dropped for
// it and counted, the graph is not held up, a client that reads gets every
// line, a write it leaves untaken for `write_timeout` seconds disconnects it,
// and the end of the run closes its connection.
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

constexpr int64_t kEmbedding = 2000;   // floats per result:
constexpr int64_t kLineBytes = 33000;  // about this many bytes a line
constexpr int kSmallWindow = 4096;     // the slow client's receive buffer

// The indices of `lines` rise, from 0; the first offending line otherwise.
std::string rising_from_zero(const std::vector<std::string>& lines) {
  long before = -1;
  for (size_t i = 0; i < lines.size(); ++i) {
    const long index = index_of(lines[i]);
    if (i == 0 ? index != 0 : index <= before)
      return "line " + std::to_string(i) + " has index " + std::to_string(index) + " after " + std::to_string(before);
    before = index;
  }
  return "";
}

}  // namespace

TEST_CASE("result_stream drops what a client that never reads cannot take and serves the others in full",
          "[result_stream][slow_client]") {
  Captured::instance().clear();
  LiveResultPace::reset();
  const int port = cli::free_local_port();
  const int64_t queue = 16;
  const int64_t window = 8;  // the reader lags at most this many lines: its queue never fills
  const int64_t count = lines_beyond_socket_buffers(kLineBytes);
  BackgroundRun run(live_stream_graph(port, count, kEmbedding, "client_queue = 16\nwrite_timeout = 600.0\n"));

  StreamClient slow(port, kSmallWindow);
  REQUIRE(slow.connected());
  REQUIRE(slow.send_get());
  const std::string head = slow.peek_head(30);
  INFO(head);
  REQUIRE(status_of(head) == 200);  // it is in the stream, and has taken nothing
  CHECK(has_header(head, "Content-Type: application/x-ndjson"));
  StreamClient reader(port);
  REQUIRE(reader.send_get());
  REQUIRE(reader.read_until([&] { return !reader.head().empty(); }, 30));
  REQUIRE(status_of(reader.head()) == 200);

  // Result i goes once the reader holds all but `window` of the lines before
  // it: the graph advances only as fast as the reader takes the stream.
  const auto start = StreamClock::now();
  LiveResultPace::allow(window);
  reader.read_until(
      [&] {
        LiveResultPace::allow(static_cast<int64_t>(reader.lines().size()) + window);
        return static_cast<int64_t>(reader.lines().size()) == count;
      },
      300);
  INFO(count << " results of about " << (reader.lines().empty() ? 0 : reader.lines()[0].size()) << " bytes; "
             << reader.lines().size() << " read in " << seconds_since(start) << " s");
  REQUIRE(static_cast<int64_t>(reader.lines().size()) == count);
  CHECK(rising_from_zero(reader.lines()) == "");
  CHECK(index_of(reader.lines().back()) == count - 1);  // every line, none skipped

  const auto result = run.wait(120);
  REQUIRE(result);
  CHECK(result->status == RunStatus::kFinished);
  CHECK(reader.read_to_close(30));
  CHECK(reader.ended());

  // The end of the run closes the slow client's connection: it gets what was
  // sent to it, in order from the first line, and a response cut short.
  slow.widen_receive_buffer();
  CHECK(slow.read_to_close(60));
  CHECK_FALSE(slow.ended());
  CHECK(rising_from_zero(slow.lines()) == "");
  const auto got = static_cast<double>(slow.lines().size());

  const auto rows = take_scalars("cap");
  REQUIRE(rows.size() == 1);
  const double dropped = scalar(rows[0], "dropped_lines");
  INFO("the slow client got " << got << " lines, " << dropped << " were dropped");
  CHECK(scalar(rows[0], "snippets") == static_cast<double>(count));
  CHECK(scalar(rows[0], "clients") == 2);
  CHECK(scalar(rows[0], "refused_clients") == 0);
  // Only the slow client lost lines. Each line was sent to it, dropped, or
  // among the at most client_queue + 1 it held when the run ended: its queue
  // stayed bounded.
  CHECK(dropped > 0);
  CHECK(got + dropped <= static_cast<double>(count));
  CHECK(got + dropped >= static_cast<double>(count - queue - 1));
}

TEST_CASE("result_stream disconnects a client that leaves a line untaken for write_timeout seconds",
          "[result_stream][slow_client]") {
  Captured::instance().clear();
  LiveResultPace::reset();
  const int port = cli::free_local_port();
  constexpr double kWriteTimeout = 2.0;
  const int64_t count = lines_beyond_socket_buffers(kLineBytes);
  // One client at a time, so that another is let in only once the slow one
  // is gone; the last result waits until the end of the test.
  BackgroundRun run(live_stream_graph(port, count + 1, kEmbedding,
                                      "max_clients = 1\nclient_queue = 4\nwrite_timeout = 2.0\n"));
  StreamClient slow(port, kSmallWindow);
  REQUIRE(slow.connected());
  REQUIRE(slow.send_get());
  REQUIRE(status_of(slow.peek_head(30)) == 200);

  // A client with nothing to take keeps its place past write_timeout.
  int refused = 0;
  std::this_thread::sleep_for(std::chrono::duration<double>(1.5 * kWriteTimeout));
  {
    StreamClient probe(port);
    REQUIRE(probe.connected());
    CHECK(status_of(probe.peek_head(30)) == 503);
    ++refused;
  }

  // Far more lines than the kernel buffers for it: the graph goes on.
  const auto start = StreamClock::now();
  LiveResultPace::allow(count);
  CHECK(LiveResultPace::wait_emitted(count, 120));

  // Probe until a client is let in: a refused one gets the 503 at once (it
  // sends nothing, so nothing races the close); one let in waits for its
  // request.
  std::unique_ptr<StreamClient> next;
  while (!next && seconds_since(start) < 120) {
    auto probe = std::make_unique<StreamClient>(port);
    REQUIRE(probe->connected());
    const auto joined = head_on_joining(*probe);
    REQUIRE(joined);
    const std::string& head = *joined;
    if (status_of(head) == 200) {
      next = std::move(probe);
    } else {
      CHECK((status_of(head) == 503 || head.empty()));
      ++refused;
      std::this_thread::sleep_for(std::chrono::milliseconds(100));
    }
  }
  const double waited = seconds_since(start);
  INFO("let in after " << waited << " s and " << refused << " refusals");
  REQUIRE(next);
  CHECK(waited >= kWriteTimeout);  // a write waited that long first

  // The slow client was cut off mid-stream, with what had been sent to it.
  slow.widen_receive_buffer();
  CHECK(slow.read_to_close(60));
  CHECK_FALSE(slow.ended());
  CHECK(rising_from_zero(slow.lines()) == "");
  CHECK(static_cast<int64_t>(slow.lines().size()) < count);

  // The client let in gets the stream from there on, to its end.
  LiveResultPace::allow_all();
  CHECK(next->read_to_close(60));
  CHECK(next->ended());
  REQUIRE(!next->lines().empty());
  CHECK(index_of(next->lines().back()) == count);
  const auto result = run.wait(120);
  REQUIRE(result);
  CHECK(result->status == RunStatus::kFinished);

  const auto rows = take_scalars("cap");
  REQUIRE(rows.size() == 1);
  CHECK(scalar(rows[0], "snippets") == static_cast<double>(count + 1));
  CHECK(scalar(rows[0], "clients") == 2);
  CHECK(scalar(rows[0], "refused_clients") == refused);
  CHECK(scalar(rows[0], "dropped_lines") + static_cast<double>(slow.lines().size()) <= static_cast<double>(count));
}
