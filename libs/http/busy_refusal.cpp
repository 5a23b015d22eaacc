#include "libs/http/busy_refusal.h"

namespace avflow::http {

void refuse_busy(boost::asio::ip::tcp::socket& socket) {
  boost::system::error_code ignored;  // a client already gone needs no answer
  socket.non_blocking(true, ignored);
  socket.write_some(boost::asio::buffer(kBusyResponse.data(), kBusyResponse.size()), ignored);
  socket.shutdown(boost::asio::ip::tcp::socket::shutdown_both, ignored);
  socket.close(ignored);
}

}  // namespace avflow::http
