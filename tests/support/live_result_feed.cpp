#include "tests/support/live_result_feed.h"

#include <chrono>
#include <condition_variable>
#include <limits>
#include <mutex>
#include <stdexcept>
#include <string>

#include "engine/operator.h"
#include "engine/registry.h"
#include "operators/eval/live_result.h"

namespace avflow::test {

namespace {

std::mutex g_mu;
std::condition_variable g_cv;
int64_t g_allowed = 0;
int64_t g_emitted = 0;

}  // namespace

void LiveResultPace::reset() {
  std::lock_guard<std::mutex> lock(g_mu);
  g_allowed = 0;
  g_emitted = 0;
}
void LiveResultPace::allow(int64_t n) {
  {
    std::lock_guard<std::mutex> lock(g_mu);
    if (n > g_allowed) g_allowed = n;
  }
  g_cv.notify_all();
}
void LiveResultPace::allow_all() { allow(std::numeric_limits<int64_t>::max()); }
int64_t LiveResultPace::emitted() {
  std::lock_guard<std::mutex> lock(g_mu);
  return g_emitted;
}
bool LiveResultPace::wait_emitted(int64_t n, double timeout_s) {
  std::unique_lock<std::mutex> lock(g_mu);
  return g_cv.wait_for(lock, std::chrono::duration<double>(timeout_s), [&] { return g_emitted >= n; });
}

class LiveResultFeed final : public Operator {
 public:
  static inline const Out<ops::LiveResult> kOut{"out", "live results, as the test allows them"};
  static inline const Param<int64_t> kCount{"count", 10, Range{0, 1e9}, "results to emit"};
  static inline const Param<int64_t> kEmbedding{"embedding", 0, Range{0, 1e7}, "floats of embedding per result"};
  AVFLOW_CONTRACT(kOut, kCount, kEmbedding);

  void process(Context& ctx) override {
    if (next_ >= ctx.param(kCount)) return ctx.end_of_stream();
    {
      const auto give_up = std::chrono::steady_clock::now() + std::chrono::seconds(300);
      std::unique_lock<std::mutex> lock(g_mu);
      while (g_allowed <= next_) {
        if (ctx.cancelled()) return ctx.end_of_stream();
        if (std::chrono::steady_clock::now() > give_up)
          throw std::runtime_error("test_live_results: result " + std::to_string(next_) + " never allowed");
        g_cv.wait_for(lock, std::chrono::milliseconds(20));
      }
    }
    ops::LiveResult r;
    r.index = next_;
    r.start_s = static_cast<double>(next_);
    r.end_s = static_cast<double>(next_ + 1);
    r.classes = {"red", "cyan"};
    r.scores = {0.75, 0.25};
    r.latency_ms = static_cast<double>(next_);
    const int64_t n = ctx.param(kEmbedding);
    r.embedding.resize(static_cast<size_t>(n));
    for (int64_t k = 0; k < n; ++k) r.embedding[static_cast<size_t>(k)] = static_cast<float>(next_ + k + 1) / 7.0f;
    ++next_;
    ctx.emit(kOut, std::move(r));
    {
      std::lock_guard<std::mutex> lock(g_mu);
      ++g_emitted;
    }
    g_cv.notify_all();
  }

 private:
  int64_t next_ = 0;
};

AVFLOW_REGISTER(LiveResultFeed, "test_live_results", "emits live results as the test allows them (test)");

}  // namespace avflow::test
