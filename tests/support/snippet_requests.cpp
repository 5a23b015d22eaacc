#include "tests/support/snippet_requests.h"

#include <mutex>

#include "engine/operator.h"
#include "engine/registry.h"

namespace avflow::test {

namespace {

std::mutex mu;
std::vector<media::SnippetRequest> pending;

class TestSnippetRequests final : public Operator {
 public:
  static inline const Out<media::SnippetRequest> kOut{"out", "the test's requests, in order"};
  AVFLOW_CONTRACT(kOut);
  void open(Context&) override {
    std::lock_guard<std::mutex> lock(mu);
    requests_ = pending;
  }
  void process(Context& ctx) override {
    if (next_ == requests_.size()) return ctx.end_of_stream();
    ctx.emit(kOut, requests_[next_++]);
  }

 private:
  std::vector<media::SnippetRequest> requests_;
  size_t next_ = 0;
};
AVFLOW_REGISTER(TestSnippetRequests, "test_snippet_requests", "emits the snippet requests a test set");

}  // namespace

void set_snippet_requests(std::vector<media::SnippetRequest> requests) {
  std::lock_guard<std::mutex> lock(mu);
  pending = std::move(requests);
}

}  // namespace avflow::test
