// How a server built on the core answers: a handler, called on the server
// thread for every request read whole.
#pragma once

#include <functional>
#include <memory>

#include "libs/http/message.h"

namespace avflow::http {

class Connection;

// Answers `request` through `connection`: with Connection::respond, or as a
// stream (write_head, write_chunk, write_last_chunk) for as long as the
// handler keeps the connection. The request is valid until the connection
// reads the next one.
using Handler = std::function<void(const std::shared_ptr<Connection>& connection, const Request& request)>;

// The handler of a server whose answer depends on the request alone; the
// connection reads the next request while the client keeps it alive.
Handler answer_each(std::function<Response(const Request&)> answer);

}  // namespace avflow::http
