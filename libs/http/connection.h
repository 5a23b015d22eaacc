// One client connection of a Server: reads requests within the bounds of
// ConnectionLimits, hands each to the server's handler, and writes what the
// handler answers, a whole response or a stream of chunks. Every read and
// write runs under a deadline (beast::tcp_stream closes the socket when it
// passes) and the read buffer has a fixed maximum, so a connection holds at
// most a few KiB for a bounded time. Used on the server thread only (or
// once it has stopped).
#pragma once

#include <atomic>
#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/http/parser.hpp>
#include <boost/beast/http/serializer.hpp>
#include <functional>
#include <memory>
#include <optional>
#include <string>

#include "libs/http/connection_limits.h"
#include "libs/http/handler.h"
#include "libs/http/message.h"

namespace avflow::http {

// What the connections of one server share. Owned jointly by the server and
// its connections: connections still waiting on a stopped io_context are
// destroyed with it, after the server object.
struct ConnectionContext {
  ConnectionLimits limits;
  Handler handler;
  std::atomic<int> open{0};  // connections alive now
};

class Connection : public std::enable_shared_from_this<Connection> {
 public:
  // Told whether a write was taken whole; false once the client is gone or
  // did not take it within the write timeout (the connection is then closed).
  using Written = std::function<void(bool ok)>;

  Connection(boost::asio::ip::tcp::socket socket, std::shared_ptr<ConnectionContext> context);
  ~Connection();
  Connection(const Connection&) = delete;
  Connection& operator=(const Connection&) = delete;

  // Reads the first request.
  void start();

  // Answers the request last handed to the handler, then reads the next one
  // while the client keeps the connection alive and is under
  // max_requests_per_connection, else closes the connection.
  void respond(Response response);

  // A streamed answer: the head (made chunked here), then chunks, then the
  // last chunk. One write at a time: each waits for the `done` of the one
  // before. The connection stays open between them, as long as the handler
  // holds it.
  void write_head(ResponseHead head, Written done);
  void write_chunk(std::shared_ptr<const std::string> data, Written done);
  void write_last_chunk(Written done);

  // Closes the socket now; a write in progress completes with ok = false.
  void close();

 private:
  void read_request();
  void on_read(boost::beast::error_code ec);
  void reply(Response response, bool keep_alive);

  boost::beast::tcp_stream stream_;
  std::shared_ptr<ConnectionContext> context_;
  boost::beast::flat_buffer buffer_;  // its maximum bounds what a client can make us hold
  std::optional<boost::beast::http::request_parser<boost::beast::http::string_body>> parser_;
  int requests_ = 0;
  Response response_;
  std::optional<ResponseHead> head_;
  std::optional<boost::beast::http::response_serializer<boost::beast::http::empty_body>> head_serializer_;
  std::shared_ptr<const std::string> chunk_;  // the chunk written last: alive until the write completes
};

}  // namespace avflow::http
