#include "tests/support/tensor_feed.h"

#include "engine/executor.h"
#include "engine/graph_loader.h"
#include "engine/operator.h"
#include "engine/payloads/tensor.h"
#include "engine/registry.h"
#include "tests/support/capture_sink.h"

namespace avflow::test {

TensorFeed& TensorFeed::instance() {
  static TensorFeed f;
  return f;
}
void TensorFeed::set(const std::string& node, std::vector<at::Tensor> tensors) {
  std::lock_guard<std::mutex> lock(mu_);
  tensors_[node] = std::move(tensors);
}
std::vector<at::Tensor> TensorFeed::get(const std::string& node) {
  std::lock_guard<std::mutex> lock(mu_);
  return tensors_[node];
}

namespace {

class TensorFeedSource final : public Operator {
 public:
  static inline const Out<Tensor> kOut{"out", "the tensors the test set, in order"};
  static inline const Param<int64_t> kFirstItem{"first_item", 0, Range{0, 1e9}, "item number of the first tensor"};
  AVFLOW_CONTRACT(kOut, kFirstItem);
  void open(Context& ctx) override {
    tensors_ = TensorFeed::instance().get(ctx.node());
    ctx.number_items_from(static_cast<uint64_t>(ctx.param(kFirstItem)));
  }
  void process(Context& ctx) override {
    if (next_ == tensors_.size()) return ctx.end_of_stream();
    ctx.emit(kOut, Tensor(tensors_[next_++]));
  }

 private:
  std::vector<at::Tensor> tensors_;
  size_t next_ = 0;
};

AVFLOW_REGISTER(TensorFeedSource, "test_tensor_feed", "emits tensors set by the test");

RunResult run(const std::vector<OpStep>& chain, const std::vector<at::Tensor>& inputs, int max_in_flight) {
  TensorFeed::instance().set("feed", inputs);
  std::string toml = "[graph]\nmax_in_flight = " + std::to_string(max_in_flight) +
                     "\n[[node]]\nname = \"feed\"\nop = \"test_tensor_feed\"\n"
                     "[[node]]\nname = \"cap\"\nop = \"test_capture\"\n";
  std::string previous = "feed";
  for (size_t i = 0; i < chain.size(); ++i) {
    const std::string name = "op" + std::to_string(i);
    toml += "[[node]]\nname = \"" + name + "\"\nop = \"" + chain[i].op + "\"\n" + chain[i].params + "\n";
    toml += "[[edge]]\nfrom = \"" + previous + "\"\nto = \"" + name + "\"\n";
    previous = name;
  }
  toml += "[[edge]]\nfrom = \"" + previous + "\"\nto = \"cap\"\n";
  PluginLoader plugins(Registry::global());
  ResolvedGraph g = load_graph_text(toml, "test.toml", {}, plugins, Registry::global());
  Executor ex(g);
  return ex.run();
}

}  // namespace

std::vector<at::Tensor> run_tensor_op(const std::string& op, const std::string& params,
                                      const std::vector<at::Tensor>& inputs, int max_in_flight) {
  return run_tensor_chain({{op, params}}, inputs, max_in_flight);
}

std::vector<at::Tensor> run_tensor_chain(const std::vector<OpStep>& chain, const std::vector<at::Tensor>& inputs,
                                         int max_in_flight) {
  RunResult r = run(chain, inputs, max_in_flight);
  auto packets = Captured::instance().take_in_item_order("cap");
  if (r.status != RunStatus::kFinished)
    throw std::runtime_error("run of " + chain.front().op + "... did not finish: " +
                             (r.failures.empty() ? std::string("cancelled") : r.failures[0].str()));
  std::vector<at::Tensor> out;
  for (const auto& p : packets) out.push_back(p.get<Tensor>().get());
  return out;
}

std::string tensor_op_failure(const std::string& op, const std::string& params,
                              const std::vector<at::Tensor>& inputs) {
  RunResult r = run({{op, params}}, inputs, 1);
  Captured::instance().take("cap");
  return r.failures.empty() ? "" : r.failures[0].str();
}

}  // namespace avflow::test
