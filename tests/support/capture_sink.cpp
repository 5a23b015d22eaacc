#include "tests/support/capture_sink.h"

#include "engine/operator.h"
#include "engine/registry.h"

namespace avflow::test {

Captured& Captured::instance() {
  static Captured c;
  return c;
}
void Captured::add(const std::string& node, Packet p) {
  std::lock_guard<std::mutex> lock(mu_);
  packets_[node].push_back(std::move(p));
}
std::vector<Packet> Captured::take(const std::string& node) {
  std::lock_guard<std::mutex> lock(mu_);
  auto v = std::move(packets_[node]);
  packets_.erase(node);
  return v;
}
void Captured::clear() {
  std::lock_guard<std::mutex> lock(mu_);
  packets_.clear();
}

class CaptureSink final : public Operator {
 public:
  static inline const In<Any> kIn{"in", "anything"};
  AVFLOW_CONTRACT(kIn);
  void process(Context& ctx) override { Captured::instance().add(ctx.node(), ctx.input_packet(kIn)); }
};

AVFLOW_REGISTER(CaptureSink, "test_capture", "keeps every packet for the test to inspect");

}  // namespace avflow::test
