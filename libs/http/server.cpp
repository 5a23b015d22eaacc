#include "libs/http/server.h"

#include <atomic>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/steady_timer.hpp>
#include <stdexcept>
#include <thread>

#include "engine/log.h"
#include "libs/http/busy_refusal.h"
#include "libs/http/connection.h"
#include "libs/http/listener.h"

namespace avflow::http {

namespace asio = boost::asio;
using tcp = asio::ip::tcp;

struct Server::Impl {
  ServerOptions options;
  std::shared_ptr<ConnectionContext> context = std::make_shared<ConnectionContext>();
  std::atomic<int64_t> refused{0};
  asio::io_context ioc{1};
  tcp::acceptor acceptor{ioc};
  asio::steady_timer retry{ioc};
  uint16_t port = 0;
  std::thread thread;

  void accept() {
    acceptor.async_accept(ioc, [this](boost::system::error_code ec, tcp::socket socket) {
      if (ec == asio::error::operation_aborted) return;
      if (ec) {
        // Out of descriptors, say: try again shortly rather than spin.
        AVFLOW_LOG(debug) << options.log_name << ": accept failed: " << ec.message();
        retry.expires_after(std::chrono::milliseconds(100));
        retry.async_wait([this](boost::system::error_code wait_ec) {
          if (!wait_ec) accept();
        });
        return;
      }
      if (context->open.load() >= options.max_connections) {
        ++refused;
        refuse_busy(socket);
      } else {
        std::make_shared<Connection>(std::move(socket), context)->start();
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
        AVFLOW_LOG(warn) << options.log_name << ": " << e.what();
      }
    }
  }
};

Server::Server(ServerOptions options, Handler handler) : impl_(std::make_unique<Impl>()) {
  impl_->context->limits = options.limits;
  impl_->context->handler = std::move(handler);
  impl_->options = std::move(options);
  if (auto error = listen_on(impl_->acceptor, impl_->options.address, impl_->options.port))
    throw std::runtime_error(*error);
  impl_->port = impl_->acceptor.local_endpoint().port();
  impl_->accept();
  impl_->thread = std::thread([impl = impl_.get()] { impl->serve(); });
}

Server::~Server() { stop(); }

void Server::stop() {
  // Stopping the io_context abandons every pending operation; the
  // connections waiting on them are destroyed, closing their sockets, when
  // the io_context is.
  impl_->ioc.stop();
  if (impl_->thread.joinable()) impl_->thread.join();
}

uint16_t Server::port() const { return impl_->port; }

int Server::open_connections() const { return impl_->context->open.load(); }

int64_t Server::refused_connections() const { return impl_->refused.load(); }

void Server::post(std::function<void()> task) { asio::post(impl_->ioc, std::move(task)); }

}  // namespace avflow::http
