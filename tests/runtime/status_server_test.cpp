// The status server alone, with fake pages, against plain socket clients:
// the pages it answers, and every bound that keeps a slow or hostile client
// from holding it (request size, read and write timeouts, requests per
// connection, connections at once, shutdown).
#include <catch2/catch.hpp>
#include <chrono>
#include <memory>
#include <stdexcept>
#include <thread>
#include <vector>

#include "runtime/status_server.h"
#include "tests/runtime/http_client.h"

using namespace avflow;
using namespace avflow::test;
using namespace std::chrono_literals;

namespace {

using Clock = std::chrono::steady_clock;

double seconds_since(Clock::time_point t) { return std::chrono::duration<double>(Clock::now() - t).count(); }

constexpr size_t kBigPage = 32 << 20;  // far more than loopback socket buffers hold

std::map<std::string, cli::StatusPage> fake_pages() {
  return {
      {"/metrics", {"text/plain; version=0.0.4", [] { return std::string("# HELP up x\n# TYPE up gauge\nup 1\n"); }}},
      {"/status", {"application/json", [] { return std::string("{\"state\":\"running\"}"); }}},
      {"/graph", {"text/vnd.graphviz", [] { return std::string("digraph g {}\n"); }}},
      {"/big", {"text/plain", [] { return std::string(kBigPage, 'x'); }}},
      {"/broken", {"text/plain", []() -> std::string { throw std::runtime_error("no metrics today"); }}},
  };
}

// Small limits, so that each bound is reached quickly.
cli::StatusServerOptions small_limits() {
  cli::StatusServerOptions o;
  o.read_timeout = 1s;
  o.write_timeout = 1s;
  o.max_connections = 8;
  o.max_requests_per_connection = 3;
  return o;
}

template <class F>
bool eventually(F condition, double timeout_s) {
  const auto until = Clock::now() + seconds(timeout_s);
  while (!condition()) {
    if (Clock::now() > until) return false;
    std::this_thread::sleep_for(10ms);
  }
  return true;
}

size_t occurrences(const std::string& text, const std::string& s) {
  size_t n = 0;
  for (size_t at = 0; (at = text.find(s, at)) != std::string::npos; ++at) ++n;
  return n;
}

}  // namespace

TEST_CASE("status server answers its pages, 404 for others and 405 for other methods", "[status][server]") {
  cli::StatusServer server(small_limits(), fake_pages());
  REQUIRE(server.port() != 0);

  auto metrics = http_get(server.port(), "/metrics");
  CHECK(metrics.status == 200);
  CHECK(header(metrics, "Content-Type") == "text/plain; version=0.0.4");
  CHECK(metrics.body == "# HELP up x\n# TYPE up gauge\nup 1\n");
  auto status = http_get(server.port(), "/status");
  CHECK(status.status == 200);
  CHECK(header(status, "Content-Type") == "application/json");
  CHECK(status.body == "{\"state\":\"running\"}");
  auto graph = http_get(server.port(), "/graph");
  CHECK(graph.status == 200);
  CHECK(header(graph, "Content-Type") == "text/vnd.graphviz");
  CHECK(graph.body == "digraph g {}\n");
  CHECK(http_get(server.port(), "/metrics?since=3").status == 200);  // parameters are ignored

  CHECK(http_get(server.port(), "/").status == 404);
  CHECK(http_get(server.port(), "/metricsx").status == 404);
  auto post = http_request(server.port(), "POST", "/metrics");
  CHECK(post.status == 405);
  CHECK(header(post, "Allow") == "GET, HEAD");
  CHECK(http_request(server.port(), "DELETE", "/status").status == 405);
  auto head = http_request(server.port(), "HEAD", "/metrics");
  CHECK(head.status == 200);
  CHECK(header(head, "Content-Length") == std::to_string(metrics.body.size()));
  CHECK(head.body.empty());
  auto broken = http_get(server.port(), "/broken");  // a page that throws does not take the server down
  CHECK(broken.status == 500);
  CHECK(broken.body.find("no metrics today") != std::string::npos);
  CHECK(http_get(server.port(), "/status").status == 200);
}

TEST_CASE("status server keeps a connection alive for a bounded number of requests", "[status][server]") {
  cli::StatusServer server(small_limits(), fake_pages());
  asio::io_context ioc;
  RawConnection c(ioc, server.port());
  REQUIRE(c.connected());
  // Five pipelined keep-alive requests: three answers (the limit), the last saying close.
  std::string five;
  for (int i = 0; i < 5; ++i) five += "GET /status HTTP/1.1\r\nHost: x\r\n\r\n";
  REQUIRE(c.send(five, 10));
  bool closed = false;
  const std::string got = c.read_to_close(10, &closed);
  CHECK(closed);
  CHECK(occurrences(got, "HTTP/1.1 200 OK\r\n") == 3);
  CHECK(occurrences(got, "Connection: close\r\n") == 1);
  CHECK(eventually([&] { return server.open_connections() == 0; }, 10));
}

TEST_CASE("status server cuts off an endless request line without growing memory", "[status][server]") {
  cli::StatusServerOptions o = small_limits();
  o.read_timeout = 60s;  // the size bound, not the timeout, must end it
  cli::StatusServer server(o, fake_pages());
  asio::io_context ioc;
  RawConnection c(ioc, server.port());
  REQUIRE(c.connected());
  const long rss_before = resident_kib();
  const std::string chunk(4096, 'a');
  size_t sent = 0;
  bool cut = false;
  REQUIRE(c.send("GET /", 10));
  while (sent < (64u << 20)) {
    if (!c.send(chunk, 10)) {
      cut = true;
      break;
    }
    sent += chunk.size();
  }
  INFO("sent " << sent << " bytes; " << c.last_error().message());
  CHECK(cut);
  CHECK(c.last_error() != asio::error::operation_aborted);  // closed by the server, not stalled
  // What got through is the bound plus socket buffers, not the 64 MiB on offer.
  CHECK(sent < (16u << 20));
  CHECK(resident_kib() - rss_before < 16 * 1024);
  CHECK(eventually([&] { return server.open_connections() == 0; }, 10));
  CHECK(http_get(server.port(), "/status").status == 200);
}

TEST_CASE("status server refuses a huge header and serves one under the bound", "[status][server]") {
  cli::StatusServer server(small_limits(), fake_pages());
  {
    asio::io_context ioc;
    RawConnection c(ioc, server.port());
    REQUIRE(c.connected());
    const bool all_sent =
        c.send("GET /status HTTP/1.1\r\nHost: x\r\nX-Big: " + std::string(1 << 20, 'b') + "\r\n\r\n", 10);
    // A send cut short by the server's close is as good as a read of the close.
    bool closed = !all_sent && c.last_error() != asio::error::operation_aborted;
    const std::string got = all_sent ? c.read_to_close(10, &closed) : "";
    CHECK(closed);
    // 431 when the client is still there to read it, else just the close.
    const int status = parse_reply(got).status;
    CHECK((status == 431 || status == 0));
  }
  {
    asio::io_context ioc;
    RawConnection c(ioc, server.port());
    REQUIRE(c.connected());
    REQUIRE(c.send("GET /status HTTP/1.1\r\nHost: x\r\nConnection: close\r\nX-Fair: " + std::string(6000, 'f') +
                       "\r\n\r\n",
                   10));
    bool closed = false;
    CHECK(parse_reply(c.read_to_close(10, &closed)).status == 200);
  }
  CHECK(eventually([&] { return server.open_connections() == 0; }, 10));
}

TEST_CASE("status server drops a silent or trickling client at the read timeout", "[status][server]") {
  cli::StatusServer server(small_limits(), fake_pages());  // 1 s
  asio::io_context ioc;
  SECTION("a client that sends nothing") {
    RawConnection c(ioc, server.port());
    REQUIRE(c.connected());
    const auto start = Clock::now();
    bool closed = false;
    CHECK(c.read_to_close(20, &closed).empty());
    CHECK(closed);
    CHECK(seconds_since(start) > 0.8);  // the timeout, not at once
  }
  SECTION("a client that sends a request line one byte at a time") {
    RawConnection c(ioc, server.port());
    REQUIRE(c.connected());
    const auto start = Clock::now();
    int sent = 0;
    while (seconds_since(start) < 20 && c.send("a", 5)) {
      ++sent;
      std::this_thread::sleep_for(50ms);
    }
    CHECK(seconds_since(start) < 20);
    CHECK(sent >= 5);  // it was let in, then cut off
  }
  SECTION("a client idle after a keep-alive answer") {
    RawConnection c(ioc, server.port());
    REQUIRE(c.connected());
    REQUIRE(c.send("GET /status HTTP/1.1\r\nHost: x\r\n\r\n", 10));
    bool closed = false;
    const std::string got = c.read_to_close(20, &closed);
    CHECK(closed);
    CHECK(occurrences(got, "HTTP/1.1 200 OK\r\n") == 1);
  }
  CHECK(eventually([&] { return server.open_connections() == 0; }, 10));
}

TEST_CASE("status server drops a client that does not read its response at the write timeout", "[status][server]") {
  cli::StatusServer server(small_limits(), fake_pages());  // 1 s
  asio::io_context ioc;
  RawConnection c(ioc, server.port());
  REQUIRE(c.connected());
  REQUIRE(c.send("GET /big HTTP/1.1\r\nHost: x\r\n\r\n", 10));
  CHECK(eventually([&] { return server.open_connections() == 1; }, 10));
  CHECK(eventually([&] { return server.open_connections() == 0; }, 20));
  bool closed = false;
  const std::string got = c.read_to_close(20, &closed);
  CHECK(closed);
  CHECK(got.size() < kBigPage);  // cut off, not delivered
}

TEST_CASE("status server over its connection cap refuses the rest and recovers when they close",
          "[status][server]") {
  cli::StatusServerOptions o = small_limits();  // 8 connections
  o.read_timeout = 60s;                         // the idle ones stay until closed
  cli::StatusServer server(o, fake_pages());
  asio::io_context ioc;
  std::vector<std::unique_ptr<RawConnection>> idle;
  for (int i = 0; i < 200; ++i) {
    idle.push_back(std::make_unique<RawConnection>(ioc, server.port()));
    REQUIRE(idle.back()->connected());
  }
  REQUIRE(eventually([&] { return server.open_connections() == 8; }, 10));
  for (int attempt = 0; attempt < 3; ++attempt) {
    auto busy = http_get(server.port(), "/status");
    // 503 when the client reads it before the close, else just the close.
    CHECK((busy.status == 503 || busy.status == 0));
    if (busy.status == 503) CHECK(header(busy, "Retry-After") == "1");
    CHECK(server.open_connections() == 8);
  }
  for (auto& c : idle) c->close();
  CHECK(eventually([&] { return http_get(server.port(), "/status").status == 200; }, 10));
  CHECK(eventually([&] { return server.open_connections() == 0; }, 10));
}

TEST_CASE("status server shuts down within a second while hostile connections are open", "[status][server]") {
  cli::StatusServerOptions o = small_limits();
  o.read_timeout = o.write_timeout = 60s;  // nothing would end them but the shutdown
  auto server = std::make_unique<cli::StatusServer>(o, fake_pages());
  const uint16_t port = server->port();
  asio::io_context ioc;
  std::vector<std::unique_ptr<RawConnection>> clients;
  for (int i = 0; i < 6; ++i) clients.push_back(std::make_unique<RawConnection>(ioc, port));  // silent
  clients.push_back(std::make_unique<RawConnection>(ioc, port));
  REQUIRE(clients.back()->send("GET /metr", 10));  // half a request line
  clients.push_back(std::make_unique<RawConnection>(ioc, port));
  REQUIRE(clients.back()->send("GET /big HTTP/1.1\r\nHost: x\r\n\r\n", 10));  // never reads
  REQUIRE(eventually([&] { return server->open_connections() == 8; }, 10));

  const auto start = Clock::now();
  server.reset();
  CHECK(seconds_since(start) < 1.0);
  for (auto& c : clients) {
    bool closed = false;
    c->read_to_close(10, &closed);
    CHECK(closed);
  }
  RawConnection late(ioc, port);
  CHECK_FALSE(late.connected());  // nothing listens any more
}

TEST_CASE("status server says why it cannot listen", "[status][server]") {
  cli::StatusServer first(small_limits(), fake_pages());
  cli::StatusServerOptions o = small_limits();
  o.port = first.port();
  CHECK_THROWS_WITH(cli::StatusServer(o, fake_pages()),
                    Catch::Contains("cannot listen on 127.0.0.1:" + std::to_string(first.port())));
  o.port = 0;
  o.address = "localhost";  // a name, not an address
  CHECK_THROWS_WITH(cli::StatusServer(o, fake_pages()), Catch::Contains("not an IP address"));
}
