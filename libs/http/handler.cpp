#include "libs/http/handler.h"

#include "libs/http/connection.h"

namespace avflow::http {

Handler answer_each(std::function<Response(const Request&)> answer) {
  return [answer = std::move(answer)](const std::shared_ptr<Connection>& connection, const Request& request) {
    connection->respond(answer(request));
  };
}

}  // namespace avflow::http
