// Opening the listening socket of a server.
#pragma once

#include <boost/asio/ip/tcp.hpp>
#include <cstdint>
#include <optional>
#include <string>

namespace avflow::http {

// Opens `acceptor` on address:port (port 0: the kernel picks a free one, see
// acceptor.local_endpoint()) and listens. Why it could not ("cannot listen on
// 127.0.0.1:80: Permission denied"), or nullopt when it listens.
std::optional<std::string> listen_on(boost::asio::ip::tcp::acceptor& acceptor, const std::string& address,
                                     uint16_t port);

}  // namespace avflow::http
