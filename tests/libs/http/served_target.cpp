#include "tests/libs/http/served_target.h"

#include <map>
#include <thread>

#include "libs/http/server.h"
#include "runtime/free_port.h"
#include "runtime/status_server.h"
#include "tests/operators/eval/result_stream_fixture.h"
#include "tests/support/capture_sink.h"
#include "tests/support/stream_client.h"

namespace avflow::test {

namespace {

constexpr size_t kBigBody = 32 << 20;  // far more than loopback socket buffers hold
constexpr int64_t kEmbedding = 2000;   // floats per result_stream line: about 33 kB a line
constexpr int64_t kLineBytes = 33000;

double seconds_of(std::chrono::milliseconds t) { return std::chrono::duration<double>(t).count(); }

class CoreTarget final : public ServedTarget {
 public:
  explicit CoreTarget(const HostileLimits& limits)
      : ServedTarget("/", "/big", seconds_of(limits.read_timeout)),
        server_(options(limits), http::answer_each(answer)) {}
  int port() const override { return server_.port(); }

 private:
  static http::ServerOptions options(const HostileLimits& limits) {
    http::ServerOptions o;
    o.max_connections = 1;
    o.limits.read_timeout = limits.read_timeout;
    o.limits.write_timeout = limits.write_timeout;
    return o;
  }
  static http::Response answer(const http::Request& req) {
    const std::string path = http::target_path(req);
    if (path == "/") return http::plain_text_response(http::Status::ok, "ok");
    if (path == "/big") return http::plain_text_response(http::Status::ok, std::string(kBigBody, 'x'));
    return http::plain_text_response(http::Status::not_found, "no page " + path);
  }

  http::Server server_;
};

class StatusServerTarget final : public ServedTarget {
 public:
  explicit StatusServerTarget(const HostileLimits& limits)
      : ServedTarget("/status", "/big", seconds_of(limits.read_timeout)), server_(options(limits), pages()) {}
  int port() const override { return server_.port(); }

 private:
  static cli::StatusServerOptions options(const HostileLimits& limits) {
    cli::StatusServerOptions o;
    o.max_connections = 1;
    o.read_timeout = limits.read_timeout;
    o.write_timeout = limits.write_timeout;
    return o;
  }
  static std::map<std::string, cli::StatusPage> pages() {
    return {{"/status", {"application/json", [] { return std::string("{\"state\":\"running\"}"); }}},
            {"/big", {"text/plain", [] { return std::string(kBigBody, 'x'); }}}};
  }

  cli::StatusServer server_;
};

// result_stream on a free port, fed by test_live_results as the test allows.
class ResultStreamTarget final : public ServedTarget {
 public:
  // result_stream's read timeout is its own, 5 s.
  explicit ResultStreamTarget(const HostileLimits& limits)
      : ServedTarget("/results", "/results", 5.0), port_(cli::free_local_port()) {
    Captured::instance().clear();
    LiveResultPace::reset();
    const std::string params = "max_clients = 1\nclient_queue = 4\nwrite_timeout = " +
                               std::to_string(seconds_of(limits.write_timeout)) + "\n";
    run_ = std::make_unique<BackgroundRun>(
        live_stream_graph(port_, lines_beyond_socket_buffers(kLineBytes) + 1000, kEmbedding, params));
  }
  int port() const override { return port_; }
  void make_traffic(int64_t lines) override { LiveResultPace::allow(allowed_ += lines); }

 private:
  int port_;
  int64_t allowed_ = 0;
  std::unique_ptr<BackgroundRun> run_;
};

}  // namespace

const char* name_of(ServedKind kind) {
  switch (kind) {
    case ServedKind::core: return "the HTTP core";
    case ServedKind::status_server: return "the status server";
    case ServedKind::result_stream: return "result_stream";
  }
  return "?";
}

std::unique_ptr<ServedTarget> start_served(ServedKind kind, const HostileLimits& limits) {
  switch (kind) {
    case ServedKind::core: return std::make_unique<CoreTarget>(limits);
    case ServedKind::status_server: return std::make_unique<StatusServerTarget>(limits);
    case ServedKind::result_stream: return std::make_unique<ResultStreamTarget>(limits);
  }
  return nullptr;
}

bool let_in(const ServedTarget& target) {
  StreamClient c(target.port());
  // A refused client may find the connection closed before its request goes.
  c.send("GET /no-such-page HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n");
  c.read_to_close(10);
  return status_of(c.head()) == 404;
}

bool eventually_let_in(ServedTarget& target, double timeout_s) {
  const auto start = StreamClock::now();
  while (seconds_since(start) < timeout_s) {
    target.make_traffic(1);
    if (let_in(target)) return true;
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  return false;
}

}  // namespace avflow::test
