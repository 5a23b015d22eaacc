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
// A client never slows the graph (libs/http/line_stream_server.h): lines are
// handed to the server thread without waiting, each client has a queue of at
// most `client_queue` lines (a line that does not fit is dropped for that
// client and counted), a client that takes no data for `write_timeout`
// seconds is disconnected, and at most `max_clients` are served at once (the
// next get 503). At the end
// the per-snippet latency (median, p95, max) is logged and, if `latency` is
// connected, emitted as one row of scalars.
#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <memory>
#include <stdexcept>
#include <string>
#include <vector>

#include "engine/log.h"
#include "engine/operator.h"
#include "engine/payloads/scalars.h"
#include "engine/registry.h"
#include "engine/text_format.h"
#include "libs/http/line_stream_server.h"
#include "operators/sinks/wall_time.h"
#include "operators/eval/live_result.h"

namespace avflow::ops {

namespace {

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
      http::LineStreamOptions o;
      o.port = static_cast<uint16_t>(port);
      o.paths = {"/", "/results"};
      o.usage = "GET /results streams the results as JSON lines";
      o.max_clients = static_cast<int>(ctx.param(kMaxClients));
      o.client_queue = static_cast<size_t>(ctx.param(kClientQueue));
      o.write_timeout = std::chrono::milliseconds(std::llround(ctx.param(kWriteTimeout) * 1000));
      o.log_name = "result_stream";
      server_ = std::make_unique<http::LineStreamServer>(o);
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
  std::unique_ptr<http::LineStreamServer> server_;
  std::vector<double> latencies_;
  bool reported_ = false;
};

AVFLOW_REGISTER(ResultStream, "result_stream",
                "live results as JSON lines to stdout or a file and to HTTP clients (chunked), with latency statistics");

}  // namespace avflow::ops
