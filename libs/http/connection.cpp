#include "libs/http/connection.h"

#include <boost/asio/write.hpp>
#include <boost/beast/http/chunk_encode.hpp>
#include <boost/beast/http/error.hpp>
#include <boost/beast/http/read.hpp>
#include <boost/beast/http/write.hpp>
#include <cstdint>

namespace avflow::http {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace beast_http = boost::beast::http;
using tcp = asio::ip::tcp;

namespace {

// A malformed request, as opposed to a client that left or timed out.
bool is_protocol_error(const beast::error_code& ec) {
  return ec.category() == beast_http::make_error_code(beast_http::error::bad_target).category();
}

// The completion of one streamed write: the connection closes when it failed.
auto streamed_write_done(std::shared_ptr<Connection> self, Connection::Written done) {
  return [self = std::move(self), done = std::move(done)](beast::error_code ec, std::size_t) {
    if (ec) self->close();
    done(!ec);
  };
}

}  // namespace

Connection::Connection(tcp::socket socket, std::shared_ptr<ConnectionContext> context)
    : stream_(std::move(socket)),
      context_(std::move(context)),
      buffer_(context_->limits.max_header_bytes + context_->limits.max_body_bytes + 1024) {
  ++context_->open;
}

Connection::~Connection() { --context_->open; }

void Connection::start() { read_request(); }

void Connection::read_request() {
  const ConnectionLimits& limits = context_->limits;
  parser_.emplace();
  parser_->header_limit(static_cast<std::uint32_t>(limits.max_header_bytes));
  parser_->body_limit(limits.max_body_bytes);
  stream_.expires_after(limits.read_timeout);
  beast_http::async_read(stream_, buffer_, *parser_,
                         [self = shared_from_this()](beast::error_code ec, std::size_t) { self->on_read(ec); });
}

void Connection::on_read(beast::error_code ec) {
  if (ec == beast_http::error::header_limit || ec == beast_http::error::buffer_overflow)
    return reply(plain_text_response(Status::request_header_fields_too_large, "request header too large"), false);
  if (ec == beast_http::error::body_limit)
    return reply(plain_text_response(Status::payload_too_large, "request body too large"), false);
  if (ec == beast_http::error::end_of_stream || ec == beast_http::error::partial_message) return;  // the client left
  if (is_protocol_error(ec)) return reply(plain_text_response(Status::bad_request, ec.message()), false);
  if (ec) return;  // timeout, reset: drop the connection (it closes when this object goes)
  ++requests_;
  context_->handler(shared_from_this(), parser_->get());
}

void Connection::respond(Response response) {
  const bool keep_alive =
      parser_->get().keep_alive() && requests_ < context_->limits.max_requests_per_connection;
  reply(std::move(response), keep_alive);
}

void Connection::reply(Response response, bool keep_alive) {
  response.keep_alive(keep_alive);
  response_ = std::move(response);
  stream_.expires_after(context_->limits.write_timeout);
  beast_http::async_write(stream_, response_, [self = shared_from_this()](beast::error_code ec, std::size_t) {
    if (!ec && self->response_.keep_alive()) return self->read_request();
    beast::error_code ignored;
    self->stream_.socket().shutdown(tcp::socket::shutdown_send, ignored);
  });
}

void Connection::write_head(ResponseHead head, Written done) {
  head.chunked(true);
  head_.emplace(std::move(head));
  head_serializer_.emplace(*head_);
  stream_.expires_after(context_->limits.write_timeout);
  beast_http::async_write_header(stream_, *head_serializer_, streamed_write_done(shared_from_this(), std::move(done)));
}

void Connection::write_chunk(std::shared_ptr<const std::string> data, Written done) {
  chunk_ = std::move(data);
  stream_.expires_after(context_->limits.write_timeout);
  asio::async_write(stream_, beast_http::make_chunk(asio::buffer(*chunk_)),
                    streamed_write_done(shared_from_this(), std::move(done)));
}

void Connection::write_last_chunk(Written done) {
  stream_.expires_after(context_->limits.write_timeout);
  asio::async_write(stream_, beast_http::make_chunk_last(), streamed_write_done(shared_from_this(), std::move(done)));
}

void Connection::close() {
  beast::error_code ignored;
  stream_.socket().shutdown(tcp::socket::shutdown_both, ignored);
  stream_.socket().close(ignored);
}

}  // namespace avflow::http
