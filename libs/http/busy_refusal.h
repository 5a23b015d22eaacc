// The answer to a client over a server's connection cap.
#pragma once

#include <boost/asio/ip/tcp.hpp>
#include <string_view>

namespace avflow::http {

// The whole response: no body, a hint to come back in a second.
inline constexpr std::string_view kBusyResponse =
    "HTTP/1.1 503 Service Unavailable\r\nServer: avflow\r\nContent-Length: 0\r\nRetry-After: 1\r\n"
    "Connection: close\r\n\r\n";

// Sends kBusyResponse without waiting and closes the socket. It fits in an
// empty socket buffer; if it does not, the client just sees the close.
void refuse_busy(boost::asio::ip::tcp::socket& socket);

}  // namespace avflow::http
