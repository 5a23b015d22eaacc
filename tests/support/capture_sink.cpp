#include "tests/support/capture_sink.h"

#include <algorithm>

#include "engine/operator.h"
#include "engine/registry.h"

namespace avflow::test {

Captured& Captured::instance() {
  static Captured c;
  return c;
}
void Captured::add(const std::string& node, uint64_t item, Packet p) {
  std::lock_guard<std::mutex> lock(mu_);
  packets_[node].push_back({item, std::move(p)});
}
std::vector<Packet> Captured::take(const std::string& node) {
  std::lock_guard<std::mutex> lock(mu_);
  std::vector<Packet> out;
  for (auto& e : packets_[node]) out.push_back(std::move(e.packet));
  packets_.erase(node);
  return out;
}
std::vector<Packet> Captured::take_in_item_order(const std::string& node) {
  std::vector<Entry> entries;
  {
    std::lock_guard<std::mutex> lock(mu_);
    entries = std::move(packets_[node]);
    packets_.erase(node);
  }
  std::stable_sort(entries.begin(), entries.end(), [](const Entry& a, const Entry& b) { return a.item < b.item; });
  std::vector<Packet> out;
  for (auto& e : entries) out.push_back(std::move(e.packet));
  return out;
}
std::vector<uint64_t> Captured::items(const std::string& node) {
  std::lock_guard<std::mutex> lock(mu_);
  std::vector<uint64_t> out;
  for (const auto& e : packets_[node]) out.push_back(e.item);
  return out;
}

void Captured::clear() {
  std::lock_guard<std::mutex> lock(mu_);
  packets_.clear();
}

class CaptureSink final : public Operator {
 public:
  static inline const In<Any> kIn{"in", "anything"};
  AVFLOW_CONTRACT(kIn);
  void process(Context& ctx) override { Captured::instance().add(ctx.node(), ctx.item(), ctx.input_packet(kIn)); }
};

AVFLOW_REGISTER(CaptureSink, "test_capture", "keeps every packet for the test to inspect");

}  // namespace avflow::test
