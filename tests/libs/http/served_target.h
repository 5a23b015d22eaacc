// The servers the hostile-client tests run against, all built on the HTTP
// core and started with the same small limits: the core itself with a plain
// handler, the status server of avflow run, and result_stream in a running
// graph. Each admits one client at a time, so that a test sees at once
// whether a hostile client still holds its place.
#pragma once

#include <chrono>
#include <cstdint>
#include <memory>
#include <string>
#include <utility>

namespace avflow::test {

enum class ServedKind { core, status_server, result_stream };

const char* name_of(ServedKind kind);

struct HostileLimits {
  std::chrono::milliseconds read_timeout{1000};  // result_stream's is its own: 5 s
  std::chrono::milliseconds write_timeout{1000};
};

class ServedTarget {
 public:
  // `good`: a target answered 200; `big`: one answered with far more than the
  // socket buffers hold (for result_stream both are the stream, its lines
  // coming with make_traffic).
  ServedTarget(std::string good, std::string big, double read_timeout_s)
      : good_(std::move(good)), big_(std::move(big)), read_timeout_s_(read_timeout_s) {}
  virtual ~ServedTarget() = default;
  virtual int port() const = 0;
  const std::string& good_target() const { return good_; }
  const std::string& big_target() const { return big_; }
  double read_timeout_s() const { return read_timeout_s_; }
  // Has the server write to its clients where it writes only when it has
  // something to send (result_stream's lines): how it notices clients gone.
  virtual void make_traffic(int64_t lines) {}

 private:
  std::string good_, big_;
  double read_timeout_s_;
};

std::unique_ptr<ServedTarget> start_served(ServedKind kind, const HostileLimits& limits);

// One well-behaved client: asks for a page that does not exist, saying
// Connection: close. True when it was let in (404), false when it was
// refused (503 or just the close).
bool let_in(const ServedTarget& target);

// Tries let_in (with traffic between tries) until it succeeds or `timeout_s` passes.
bool eventually_let_in(ServedTarget& target, double timeout_s);

}  // namespace avflow::test
