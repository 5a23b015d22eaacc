#include "libs/http/line_stream_server.h"

#include <algorithm>
#include <atomic>
#include <boost/beast/http/field.hpp>
#include <boost/beast/http/verb.hpp>
#include <deque>
#include <set>
#include <thread>

#include "libs/http/connection.h"

namespace avflow::http {

namespace beast_http = boost::beast::http;

// Internal to this file; named so that LineStreamHub (declared in the header)
// may hold them.
namespace line_stream {

struct Counters {
  std::atomic<int64_t> clients{0};  // served, in all
  std::atomic<int64_t> dropped{0};  // lines not sent to a slow client
};

class Client;

}  // namespace line_stream

// State of the server thread; touched only on it (the counters excepted).
struct LineStreamHub {
  size_t client_queue = 64;
  std::string content_type;
  line_stream::Counters counters;
  std::set<std::shared_ptr<line_stream::Client>> streaming;
  bool ended = false;
};

namespace line_stream {

// One HTTP client that asked for the stream: a chunked response that carries
// the lines as they come.
class Client : public std::enable_shared_from_this<Client> {
 public:
  Client(std::shared_ptr<Connection> connection, std::shared_ptr<LineStreamHub> hub)
      : connection_(std::move(connection)), hub_(std::move(hub)) {}

  void begin() {
    hub_->streaming.insert(shared_from_this());
    ++hub_->counters.clients;
    ResponseHead head{Status::ok, 11};
    head.set(beast_http::field::server, kServerName);
    head.set(beast_http::field::content_type, hub_->content_type);
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

  std::shared_ptr<Connection> connection_;
  std::shared_ptr<LineStreamHub> hub_;
  std::deque<std::shared_ptr<const std::string>> queue_;
  bool writing_ = false, header_sent_ = false, closing_ = false;
};

}  // namespace line_stream

namespace {

using line_stream::Client;

// GET on one of the paths joins the stream; anything else is told so, and closed.
Handler stream_handler(std::shared_ptr<LineStreamHub> hub, std::vector<std::string> paths, std::string usage) {
  return [hub = std::move(hub), paths = std::move(paths), usage = std::move(usage)](
             const std::shared_ptr<Connection>& connection, const Request& req) {
    if (req.method() != beast_http::verb::get)
      return connection->respond(plain_text_response(Status::method_not_allowed, usage));
    const std::string path = target_path(req);
    if (std::find(paths.begin(), paths.end(), path) == paths.end())
      return connection->respond(plain_text_response(Status::not_found, usage));
    std::make_shared<Client>(connection, hub)->begin();
  };
}

ServerOptions core_options(const LineStreamOptions& o) {
  ServerOptions core;
  core.address = o.address;
  core.port = o.port;
  core.max_connections = o.max_clients;
  core.limits.write_timeout = o.write_timeout;
  core.limits.max_requests_per_connection = 1;  // a stream, or the answer why not
  core.log_name = o.log_name;
  return core;
}

std::shared_ptr<LineStreamHub> make_hub(const LineStreamOptions& o) {
  auto hub = std::make_shared<LineStreamHub>();
  hub->client_queue = o.client_queue;
  hub->content_type = o.content_type;
  return hub;
}

}  // namespace

LineStreamServer::LineStreamServer(const LineStreamOptions& options)
    : hub_(make_hub(options)), server_(core_options(options), stream_handler(hub_, options.paths, options.usage)) {}

LineStreamServer::~LineStreamServer() {
  server_.stop();
  // Clients still streaming (one that stopped reading) and the hub hold
  // each other: close their connections and let them go here, or their
  // sockets would stay open, and their queues allocated, after the run.
  for (const auto& c : hub_->streaming) c->stop();
  hub_->streaming.clear();
}

uint16_t LineStreamServer::port() const { return server_.port(); }
int64_t LineStreamServer::clients() const { return hub_->counters.clients.load(); }
int64_t LineStreamServer::dropped_lines() const { return hub_->counters.dropped.load(); }
int64_t LineStreamServer::refused_clients() const { return server_.refused_connections(); }

void LineStreamServer::publish(std::string line) {
  auto shared = std::make_shared<const std::string>(std::move(line));
  server_.post([hub = hub_, shared] {
    for (const auto& c : hub->streaming) c->push(shared);
  });
}

void LineStreamServer::end(std::chrono::milliseconds grace) {
  auto handed = std::make_shared<std::atomic<bool>>(false);
  server_.post([hub = hub_, handed] {
    hub->ended = true;
    for (const auto& c : std::vector<std::shared_ptr<line_stream::Client>>(hub->streaming.begin(), hub->streaming.end()))
      c->finish();
    handed->store(true);
  });
  const auto until = std::chrono::steady_clock::now() + grace;
  while (std::chrono::steady_clock::now() < until && (!handed->load() || server_.open_connections() > 0))
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
}

}  // namespace avflow::http
