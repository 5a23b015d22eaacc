#include "runtime/status_server.h"

#include <atomic>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <optional>
#include <stdexcept>
#include <thread>

#include "engine/log.h"

namespace avflow::cli {

namespace {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
using tcp = asio::ip::tcp;

// What connections use. Shared, not owned by the server object: connections
// still waiting on the stopped io_context are destroyed with it, after the
// server's own members.
struct Shared {
  StatusServerOptions options;
  std::map<std::string, StatusPage> pages;
  std::atomic<int> open{0};
};

using Response = http::response<http::string_body>;

Response plain_response(http::status status, const std::string& text) {
  Response res{status, 11};
  res.set(http::field::server, "avflow");
  res.set(http::field::content_type, "text/plain; charset=utf-8");
  res.body() = text + "\n";
  res.prepare_payload();
  return res;
}

bool is_http_error(const beast::error_code& ec) {
  return ec.category() == http::make_error_code(http::error::bad_target).category();
}

// One client connection: read a request, answer it, and again while the
// client keeps it alive and under the limits. Each step runs under a deadline
// (beast::tcp_stream closes the socket when it passes), and the buffer has a
// fixed maximum, so a connection holds at most a few KiB for a bounded time.
class Connection : public std::enable_shared_from_this<Connection> {
 public:
  Connection(tcp::socket socket, std::shared_ptr<Shared> shared)
      : stream_(std::move(socket)),
        shared_(std::move(shared)),
        buffer_(shared_->options.max_header_bytes + shared_->options.max_body_bytes + 1024) {
    ++shared_->open;
  }
  ~Connection() { --shared_->open; }

  void start() { read_request(); }

 private:
  void read_request() {
    const auto& o = shared_->options;
    parser_.emplace();
    parser_->header_limit(static_cast<std::uint32_t>(o.max_header_bytes));
    parser_->body_limit(o.max_body_bytes);
    stream_.expires_after(o.read_timeout);
    http::async_read(stream_, buffer_, *parser_,
                     [self = shared_from_this()](beast::error_code ec, std::size_t) { self->on_read(ec); });
  }

  void on_read(beast::error_code ec) {
    if (ec == http::error::header_limit || ec == http::error::buffer_overflow)
      return reply(plain_response(http::status::request_header_fields_too_large, "request header too large"), false);
    if (ec == http::error::body_limit)
      return reply(plain_response(http::status::payload_too_large, "a GET has no body"), false);
    if (ec == http::error::end_of_stream || ec == http::error::partial_message) return;  // the client left
    if (is_http_error(ec)) return reply(plain_response(http::status::bad_request, ec.message()), false);
    if (ec) return;  // timeout, reset: drop the connection (it closes when this object goes)
    const auto& req = parser_->get();
    const bool keep_alive = req.keep_alive() && ++requests_ < shared_->options.max_requests_per_connection;
    reply(respond(req), keep_alive);
  }

  Response respond(const http::request<http::string_body>& req) const {
    if (req.method() != http::verb::get && req.method() != http::verb::head) {
      Response res = plain_response(http::status::method_not_allowed, "only GET and HEAD");
      res.set(http::field::allow, "GET, HEAD");
      return res;
    }
    std::string path(req.target().data(), req.target().size());
    path = path.substr(0, path.find('?'));  // a scraper may add parameters; no page takes any
    auto page = shared_->pages.find(path);
    if (page == shared_->pages.end()) return plain_response(http::status::not_found, "no page " + path);
    Response res{http::status::ok, req.version()};
    res.set(http::field::server, "avflow");
    res.set(http::field::content_type, page->second.content_type);
    res.set(http::field::cache_control, "no-store");
    try {
      res.body() = page->second.body();
    } catch (const std::exception& e) {
      return plain_response(http::status::internal_server_error, e.what());
    }
    if (req.method() == http::verb::head) {
      res.content_length(res.body().size());
      res.body().clear();
    } else {
      res.prepare_payload();
    }
    return res;
  }

  void reply(Response res, bool keep_alive) {
    res.keep_alive(keep_alive);
    response_ = std::move(res);
    stream_.expires_after(shared_->options.write_timeout);
    http::async_write(stream_, response_, [self = shared_from_this()](beast::error_code ec, std::size_t) {
      if (!ec && self->response_.keep_alive()) return self->read_request();
      beast::error_code ignored;
      self->stream_.socket().shutdown(tcp::socket::shutdown_send, ignored);
    });
  }

  beast::tcp_stream stream_;
  std::shared_ptr<Shared> shared_;
  beast::flat_buffer buffer_;  // its maximum bounds what a client can make us hold
  std::optional<http::request_parser<http::string_body>> parser_;
  Response response_;
  int requests_ = 0;
};

// Sent without waiting to a client over the connection cap: it fits in an
// empty socket buffer, and if it does not, the client just sees the close.
constexpr char kBusy[] =
    "HTTP/1.1 503 Service Unavailable\r\nServer: avflow\r\nContent-Length: 0\r\nRetry-After: 1\r\n"
    "Connection: close\r\n\r\n";

}  // namespace

struct StatusServer::Impl {
  std::shared_ptr<Shared> shared = std::make_shared<Shared>();
  asio::io_context ioc{1};
  tcp::acceptor acceptor{ioc};
  asio::steady_timer retry{ioc};
  uint16_t port = 0;
  std::thread thread;

  void accept() {
    acceptor.async_accept(ioc, [this](beast::error_code ec, tcp::socket socket) {
      if (ec == asio::error::operation_aborted) return;
      if (ec) {
        // Out of descriptors, say: try again shortly rather than spin.
        AVFLOW_LOG(debug) << "status endpoint: accept failed: " << ec.message();
        retry.expires_after(std::chrono::milliseconds(100));
        retry.async_wait([this](beast::error_code wait_ec) {
          if (!wait_ec) accept();
        });
        return;
      }
      if (shared->open.load() >= shared->options.max_connections) {
        beast::error_code ignored;
        socket.non_blocking(true, ignored);
        socket.write_some(asio::buffer(kBusy, sizeof kBusy - 1), ignored);
        socket.shutdown(tcp::socket::shutdown_both, ignored);
        socket.close(ignored);
      } else {
        std::make_shared<Connection>(std::move(socket), shared)->start();
      }
      accept();
    });
  }

  void serve() {
    for (;;) {
      try {
        ioc.run();
        return;  // stopped
      } catch (const std::exception& e) {
        // A handler failed (out of memory, say): that connection is lost, the server goes on.
        AVFLOW_LOG(warn) << "status endpoint: " << e.what();
      }
    }
  }
};

StatusServer::StatusServer(StatusServerOptions options, std::map<std::string, StatusPage> pages)
    : impl_(std::make_unique<Impl>()) {
  const std::string where = options.address + ":" + std::to_string(options.port);
  impl_->shared->options = std::move(options);
  impl_->shared->pages = std::move(pages);
  beast::error_code ec;
  const auto address = asio::ip::make_address(impl_->shared->options.address, ec);
  if (ec) throw std::runtime_error("cannot listen on " + where + ": not an IP address");
  const tcp::endpoint endpoint(address, impl_->shared->options.port);
  auto& acceptor = impl_->acceptor;
  acceptor.open(endpoint.protocol(), ec);
  if (!ec) acceptor.set_option(asio::socket_base::reuse_address(true), ec);
  if (!ec) acceptor.bind(endpoint, ec);
  if (!ec) acceptor.listen(asio::socket_base::max_listen_connections, ec);
  if (ec) throw std::runtime_error("cannot listen on " + where + ": " + ec.message());
  impl_->port = acceptor.local_endpoint().port();
  impl_->accept();
  impl_->thread = std::thread([impl = impl_.get()] { impl->serve(); });
}

StatusServer::~StatusServer() {
  // Stopping the io_context abandons every pending operation; the
  // connections waiting on them are destroyed, closing their sockets, when
  // the io_context is.
  impl_->ioc.stop();
  impl_->thread.join();
}

uint16_t StatusServer::port() const { return impl_->port; }

int StatusServer::open_connections() const { return impl_->shared->open.load(); }

}  // namespace avflow::cli
