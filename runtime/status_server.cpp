#include "runtime/status_server.h"

#include <boost/beast/http/field.hpp>
#include <boost/beast/http/verb.hpp>
#include <exception>

#include "libs/http/server.h"

namespace avflow::cli {

namespace {

namespace beast_http = boost::beast::http;

http::Response answer(const std::map<std::string, StatusPage>& pages, const http::Request& req) {
  if (req.method() != beast_http::verb::get && req.method() != beast_http::verb::head) {
    http::Response res = http::plain_text_response(http::Status::method_not_allowed, "only GET and HEAD");
    res.set(beast_http::field::allow, "GET, HEAD");
    return res;
  }
  const std::string path = http::target_path(req);  // a scraper may add parameters; no page takes any
  auto page = pages.find(path);
  if (page == pages.end()) return http::plain_text_response(http::Status::not_found, "no page " + path);
  http::Response res{http::Status::ok, req.version()};
  res.set(beast_http::field::server, http::kServerName);
  res.set(beast_http::field::content_type, page->second.content_type);
  res.set(beast_http::field::cache_control, "no-store");
  try {
    res.body() = page->second.body();
  } catch (const std::exception& e) {
    return http::plain_text_response(http::Status::internal_server_error, e.what());
  }
  if (req.method() == beast_http::verb::head) {
    res.content_length(res.body().size());
    res.body().clear();
  } else {
    res.prepare_payload();
  }
  return res;
}

http::ServerOptions core_options(const StatusServerOptions& o) {
  http::ServerOptions core;
  core.address = o.address;
  core.port = o.port;
  core.max_connections = o.max_connections;
  core.limits.max_header_bytes = o.max_header_bytes;
  core.limits.max_body_bytes = o.max_body_bytes;
  core.limits.read_timeout = o.read_timeout;
  core.limits.write_timeout = o.write_timeout;
  core.limits.max_requests_per_connection = o.max_requests_per_connection;
  core.log_name = "status endpoint";
  return core;
}

}  // namespace

struct StatusServer::Impl {
  Impl(const StatusServerOptions& options, std::map<std::string, StatusPage> pages)
      : server(core_options(options), http::answer_each([pages = std::move(pages)](const http::Request& req) {
                 return answer(pages, req);
               })) {}
  http::Server server;
};

StatusServer::StatusServer(StatusServerOptions options, std::map<std::string, StatusPage> pages)
    : impl_(std::make_unique<Impl>(options, std::move(pages))) {}

StatusServer::~StatusServer() = default;

uint16_t StatusServer::port() const { return impl_->server.port(); }

int StatusServer::open_connections() const { return impl_->server.open_connections(); }

}  // namespace avflow::cli
