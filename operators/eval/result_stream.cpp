// result_stream: the sink of live inference. Writes each LiveResult as one
// JSON line to standard output (or a file) and streams the same lines live
// to HTTP clients on 127.0.0.1:`port` (GET / or /results: a chunked
// application/x-ndjson response, one chunk per line, until the run ends).
//
//   [[node]]
//   name = "results"
//   op = "result_stream"
//   path = "-"          # "-": standard output; "": no file
//   port = 8765         # 0: pick a free port (logged); -1: no server
//
//   [[edge]]  from = "classify.result"  to = "results.in"
//
//   curl -N http://127.0.0.1:8765/results
//
// {"index":3,"start":4.8,"end":8,"reconnects":0,"latency_ms":41.2,
//  "top":[{"class":"Archery","score":0.83},...],"time":1795000000.250}
//
// A client never slows the graph: lines are handed to the server thread
// without waiting, each client has a queue of at most `client_queue` lines
// (a line that does not fit is dropped for that client and counted), a
// client that takes no data for `write_timeout` seconds is disconnected, and
// at most `max_clients` are served at once (the next get 503). At the end
// the per-snippet latency (median, p95, max) is logged and, if `latency` is
// connected, emitted as one row of scalars.
#include <algorithm>
#include <atomic>
#include <boost/beast/http/field.hpp>
#include <boost/beast/http/verb.hpp>
#include <cmath>
#include <cstdio>
#include <deque>
#include <memory>
#include <set>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

#include "engine/log.h"
#include "engine/operator.h"
#include "engine/payloads/scalars.h"
#include "engine/registry.h"
#include "engine/text_format.h"
#include "libs/http/connection.h"
#include "libs/http/server.h"
#include "operators/sinks/wall_time.h"
#include "operators/eval/live_result.h"

namespace avflow::ops {

namespace {

namespace beast_http = boost::beast::http;

std::string json_line(const LiveResult& r) {
  std::string o = "{\"index\":" + std::to_string(r.index) + ",\"start\":" + json_number(r.start_s) +
                  ",\"end\":" + json_number(r.end_s) + ",\"reconnects\":" + std::to_string(r.reconnects) +
                  ",\"latency_ms\":" + json_number(r.latency_ms);
  if (!r.classes.empty()) {
    o += ",\"top\":[";
    for (size_t i = 0; i < r.classes.size(); ++i) {
      if (i) o += ",";
      o += "{\"class\":" + json_string(r.classes[i]) +
           ",\"score\":" + json_number(i < r.scores.size() ? r.scores[i] : std::nan("")) + "}";
    }
    o += "]";
  }
  if (!r.embedding.empty()) {
    o += ",\"embedding\":[";
    for (size_t i = 0; i < r.embedding.size(); ++i) o += (i ? "," : "") + json_number(r.embedding[i]);
    o += "]";
  }
  return o + ",\"time\":" + ops::unix_time_text() + "}\n";
}

// The q-quantile (0..1) of sorted values, nearest rank.
double quantile(const std::vector<double>& sorted, double q) {
  if (sorted.empty()) return std::nan("");
  const auto rank = static_cast<size_t>(std::ceil(q * static_cast<double>(sorted.size())));
  return sorted[std::min(sorted.size() - 1, rank == 0 ? 0 : rank - 1)];
}

struct StreamOptions {
  size_t client_queue = 64;
  int max_clients = 8;
  std::chrono::milliseconds write_timeout{5000};
};

struct Counters {
  std::atomic<int64_t> clients{0};  // served, in all
  std::atomic<int64_t> dropped{0};  // lines not sent to a slow client
};

class Client;

// State of the server thread; touched only on it (the counters excepted).
struct Hub {
  size_t client_queue = 64;
  Counters counters;
  std::set<std::shared_ptr<Client>> streaming;
  bool ended = false;
};

// One HTTP client that asked for the stream: a chunked response that carries
// the lines as they come.
class Client : public std::enable_shared_from_this<Client> {
 public:
  Client(std::shared_ptr<http::Connection> connection, std::shared_ptr<Hub> hub)
      : connection_(std::move(connection)), hub_(std::move(hub)) {}

  void begin() {
    hub_->streaming.insert(shared_from_this());
    ++hub_->counters.clients;
    http::ResponseHead head{http::Status::ok, 11};
    head.set(beast_http::field::server, http::kServerName);
    head.set(beast_http::field::content_type, "application/x-ndjson");
    head.set(beast_http::field::cache_control, "no-store");
    writing_ = true;
    connection_->write_head(std::move(head), [self = shared_from_this()](bool ok) {
      self->writing_ = false;
      if (!ok) return self->leave();
      self->header_sent_ = true;
      self->write_next();
    });
    if (hub_->ended) finish();
  }

  void push(const std::shared_ptr<const std::string>& line) {
    if (closing_) return;
    if (queue_.size() >= hub_->client_queue) {
      ++hub_->counters.dropped;
      return;
    }
    queue_.push_back(line);
    if (!writing_ && header_sent_) write_next();
  }

  // The run ended: send what is queued, then the last chunk.
  void finish() {
    closing_ = true;
    if (!writing_ && header_sent_) write_next();
  }

  void stop() { connection_->close(); }

 private:
  // Each write must be taken within the write timeout (the connection's): a
  // client that stops reading is disconnected, never waited for.
  void write_next() {
    if (queue_.empty()) {
      if (closing_) {
        writing_ = true;
        connection_->write_last_chunk([self = shared_from_this()](bool) {
          self->writing_ = false;
          self->stop();
          self->leave();
        });
      }
      return;
    }
    writing_ = true;
    auto line = queue_.front();
    queue_.pop_front();
    connection_->write_chunk(std::move(line), [self = shared_from_this()](bool ok) {
      self->writing_ = false;
      if (!ok) return self->leave();
      self->write_next();
    });
  }

  void leave() {
    queue_.clear();
    hub_->streaming.erase(shared_from_this());
  }

  std::shared_ptr<http::Connection> connection_;
  std::shared_ptr<Hub> hub_;
  std::deque<std::shared_ptr<const std::string>> queue_;
  bool writing_ = false, header_sent_ = false, closing_ = false;
};

// GET / or /results joins the stream; anything else is told so, and closed.
http::Handler stream_handler(std::shared_ptr<Hub> hub) {
  return [hub = std::move(hub)](const std::shared_ptr<http::Connection>& connection, const http::Request& req) {
    const std::string usage = "GET /results streams the results as JSON lines";
    if (req.method() != beast_http::verb::get)
      return connection->respond(http::plain_text_response(http::Status::method_not_allowed, usage));
    const std::string path = http::target_path(req);
    if (path != "/" && path != "/results")
      return connection->respond(http::plain_text_response(http::Status::not_found, usage));
    std::make_shared<Client>(connection, hub)->begin();
  };
}

http::ServerOptions core_options(uint16_t port, const StreamOptions& o) {
  http::ServerOptions core;
  core.address = "127.0.0.1";
  core.port = port;
  core.max_connections = o.max_clients;
  core.limits.write_timeout = o.write_timeout;
  core.limits.max_requests_per_connection = 1;  // a stream, or the answer why not
  core.log_name = "result_stream";
  return core;
}

std::shared_ptr<Hub> make_hub(const StreamOptions& o) {
  auto hub = std::make_shared<Hub>();
  hub->client_queue = o.client_queue;
  return hub;
}

// Listens on 127.0.0.1 and runs the clients on its own thread.
class ResultServer {
 public:
  ResultServer(uint16_t port, StreamOptions options)
      : hub_(make_hub(options)), server_(core_options(port, options), stream_handler(hub_)) {}

  // Closes every connection: what the clients have not taken is lost (end()
  // gave them their chance).
  ~ResultServer() {
    server_.stop();
    // Clients still streaming (one that stopped reading) and the hub hold
    // each other: close their connections and let them go here, or their
    // sockets would stay open, and their queues allocated, after the run.
    for (const auto& c : hub_->streaming) c->stop();
    hub_->streaming.clear();
  }

  uint16_t port() const { return server_.port(); }
  int64_t clients() const { return hub_->counters.clients.load(); }
  int64_t dropped_lines() const { return hub_->counters.dropped.load(); }
  int64_t refused_clients() const { return server_.refused_connections(); }

  // Never waits: the line is handed to the server thread.
  void publish(std::string line) {
    auto shared = std::make_shared<const std::string>(std::move(line));
    server_.post([hub = hub_, shared] {
      for (const auto& c : hub->streaming) c->push(shared);
    });
  }

  // Ends every response after its queued lines; waits up to `grace` for them.
  // Once it returns (within grace), every line published before it has been
  // queued or dropped for each client, so the counters are final.
  void end(std::chrono::milliseconds grace) {
    auto handed = std::make_shared<std::atomic<bool>>(false);
    server_.post([hub = hub_, handed] {
      hub->ended = true;
      for (const auto& c : std::vector<std::shared_ptr<Client>>(hub->streaming.begin(), hub->streaming.end()))
        c->finish();
      handed->store(true);
    });
    const auto until = std::chrono::steady_clock::now() + grace;
    while (std::chrono::steady_clock::now() < until && (!handed->load() || server_.open_connections() > 0))
      std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }

 private:
  std::shared_ptr<Hub> hub_;  // before server_: its handler holds the hub
  http::Server server_;
};

}  // namespace

class ResultStream final : public Operator {
 public:
  static inline const In<LiveResult> kIn{"in", "live results (live_classify)"};
  static inline const Out<Scalars> kLatency{"latency", "at the end: snippets, latency_median_ms, latency_p95_ms, ..."};
  static inline const Param<std::string> kPath{"path", "-", "JSON lines file; \"-\": standard output; \"\": none"};
  static inline const Param<int64_t> kPort{"port", 0, Range{-1, 65535},
                                           "HTTP port on 127.0.0.1 streaming the lines; 0: pick one (logged); -1: none"};
  static inline const Param<int64_t> kMaxClients{"max_clients", 8, Range{1, 1024}, "clients served at once"};
  static inline const Param<int64_t> kClientQueue{"client_queue", 64, Range{1, 1 << 20},
                                                  "lines queued per client; beyond, lines are dropped for it"};
  static inline const Param<double> kWriteTimeout{"write_timeout", 5.0, Range{0.1, 3600.0},
                                                  "seconds a client may take to accept a line before it is dropped"};
  AVFLOW_CONTRACT(kIn, kLatency, kPath, kPort, kMaxClients, kClientQueue, kWriteTimeout);

  void open(Context& ctx) override {
    node_ = ctx.node();
    path_ = ctx.param(kPath);
    if (!path_.empty()) {
      file_ = path_ == "-" ? stdout : std::fopen(path_.c_str(), ctx.resuming() ? "a" : "w");
      if (!file_) throw std::runtime_error("cannot open '" + path_ + "' for writing");
    }
    const int64_t port = ctx.param(kPort);
    if (port >= 0) {
      StreamOptions o;
      o.max_clients = static_cast<int>(ctx.param(kMaxClients));
      o.client_queue = static_cast<size_t>(ctx.param(kClientQueue));
      o.write_timeout = std::chrono::milliseconds(std::llround(ctx.param(kWriteTimeout) * 1000));
      server_ = std::make_unique<ResultServer>(static_cast<uint16_t>(port), o);
      AVFLOW_LOG(info) << ctx.node() << ": streaming results on http://127.0.0.1:" << server_->port() << "/results";
    }
  }

  void process(Context& ctx) override {
    const LiveResult& r = ctx.input(kIn);
    latencies_.push_back(r.latency_ms);
    std::string line = json_line(r);
    if (file_ && (std::fputs(line.c_str(), file_) < 0 || std::fflush(file_) != 0))
      throw std::runtime_error(ctx.node() + ": write to '" + path_ + "' failed");
    if (server_) server_->publish(std::move(line));
  }

  void finish(Context& ctx) override {
    if (server_) server_->end(std::chrono::milliseconds(1000));  // first: the counters are final after it
    ctx.emit(kLatency, report());
  }

  void close(CloseReason) override {
    if (!reported_) report();
    server_.reset();
    if (file_ && file_ != stdout) std::fclose(file_);
    else if (file_) std::fflush(file_);
    file_ = nullptr;
  }

 private:
  Scalars report() {
    reported_ = true;
    std::vector<double> sorted = latencies_;
    std::sort(sorted.begin(), sorted.end());
    Scalars row;
    row.values = {{"snippets", static_cast<double>(sorted.size())},
                  {"latency_median_ms", quantile(sorted, 0.5)},
                  {"latency_p95_ms", quantile(sorted, 0.95)},
                  {"latency_max_ms", sorted.empty() ? std::nan("") : sorted.back()}};
    if (server_) {
      row.values.push_back({"clients", static_cast<double>(server_->clients())});
      row.values.push_back({"dropped_lines", static_cast<double>(server_->dropped_lines())});
      row.values.push_back({"refused_clients", static_cast<double>(server_->refused_clients())});
    }
    std::string text = node_ + ": " + std::to_string(sorted.size()) + " result(s), latency median " +
                       json_number(row.values[1].second) + " ms, p95 " + json_number(row.values[2].second) + " ms";
    if (server_)
      text += "; " + json_number(row.values[4].second) + " client(s), " + json_number(row.values[5].second) +
              " line(s) dropped for slow clients";
    AVFLOW_LOG(info) << text;
    return row;
  }

  std::string node_, path_;
  std::FILE* file_ = nullptr;
  std::unique_ptr<ResultServer> server_;
  std::vector<double> latencies_;
  bool reported_ = false;
};

AVFLOW_REGISTER(ResultStream, "result_stream",
                "live results as JSON lines to stdout or a file and to HTTP clients (chunked), with latency statistics");

}  // namespace avflow::ops
