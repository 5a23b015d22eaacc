#include "libs/http/listener.h"

namespace avflow::http {

namespace asio = boost::asio;
using tcp = asio::ip::tcp;

std::optional<std::string> listen_on(tcp::acceptor& acceptor, const std::string& address, uint16_t port) {
  const std::string where = "cannot listen on " + address + ":" + std::to_string(port) + ": ";
  boost::system::error_code ec;
  const auto ip = asio::ip::make_address(address, ec);
  if (ec) return where + "not an IP address";
  const tcp::endpoint endpoint(ip, port);
  acceptor.open(endpoint.protocol(), ec);
  if (!ec) acceptor.set_option(asio::socket_base::reuse_address(true), ec);
  if (!ec) acceptor.bind(endpoint, ec);
  if (!ec) acceptor.listen(asio::socket_base::max_listen_connections, ec);
  if (ec) return where + ec.message();
  return std::nullopt;
}

}  // namespace avflow::http
