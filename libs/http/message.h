// The HTTP messages the core and its handlers exchange. Requests are read
// whole (their size bounded by ConnectionLimits); a response is written
// whole, or as a head followed by chunks for a streamed body.
#pragma once

#include <boost/beast/http/empty_body.hpp>
#include <boost/beast/http/message.hpp>
#include <boost/beast/http/status.hpp>
#include <boost/beast/http/string_body.hpp>
#include <string>

namespace avflow::http {

using Request = boost::beast::http::request<boost::beast::http::string_body>;
using Response = boost::beast::http::response<boost::beast::http::string_body>;
// The head of a response whose body follows in chunks (Connection::write_head).
using ResponseHead = boost::beast::http::response<boost::beast::http::empty_body>;
using Status = boost::beast::http::status;

// The Server header of every response.
inline constexpr char kServerName[] = "avflow";

// A short text/plain answer (an error, say): `text` and a newline.
Response plain_text_response(Status status, const std::string& text);

// The path of a request target, without its query ("/metrics?x=1" -> "/metrics").
std::string target_path(const Request& request);

}  // namespace avflow::http
