#include "libs/http/message.h"

namespace avflow::http {

namespace beast_http = boost::beast::http;

Response plain_text_response(Status status, const std::string& text) {
  Response res{status, 11};
  res.set(beast_http::field::server, kServerName);
  res.set(beast_http::field::content_type, "text/plain; charset=utf-8");
  res.body() = text + "\n";
  res.prepare_payload();
  return res;
}

std::string target_path(const Request& request) {
  const std::string target(request.target().data(), request.target().size());
  return target.substr(0, target.find('?'));
}

}  // namespace avflow::http
