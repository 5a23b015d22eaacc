// count: a sink that counts what reaches it, of any payload type.
//
//   [[node]]
//   name = "count"
//   op = "count"
//   expect = 64           # optional: fail the run when the total differs
//   log_every = 0         # log every Nth item's description (0: never)
#include <atomic>
#include <stdexcept>

#include "engine/log.h"
#include "engine/operator.h"
#include "engine/registry.h"

namespace avflow::ops {

class Count final : public Operator {
 public:
  static inline const In<Any> kIn{"in", "anything"};
  static inline const Param<int64_t> kExpect{"expect", -1, Range::at_least(-1),
                                             "expected total at end of stream; -1: no check"};
  static inline const Param<int64_t> kLogEvery{"log_every", 0, Range::at_least(0),
                                               "log every Nth item (0: never)"};
  AVFLOW_CONTRACT(kIn, kExpect, kLogEvery, kParallel);

  void open(Context& ctx) override { log_every_ = ctx.param(kLogEvery); }

  void process(Context& ctx) override {
    int64_t n = count_.fetch_add(1, std::memory_order_relaxed) + 1;
    if (log_every_ > 0 && n % log_every_ == 0) {
      AVFLOW_LOG(info) << ctx.node() << ": #" << n << " " << ctx.input_packet(kIn).describe();
    }
  }

  void finish(Context& ctx) override {
    int64_t n = count_.load();
    AVFLOW_LOG(info) << ctx.node() << ": " << n << " items";
    int64_t expect = ctx.param(kExpect);
    if (expect >= 0 && n != expect)
      throw std::runtime_error("expected " + std::to_string(expect) + " items, counted " + std::to_string(n));
  }

 private:
  std::atomic<int64_t> count_{0};
  int64_t log_every_ = 0;
};

AVFLOW_REGISTER(Count, "count", "counts items of any type; can check the total");

}  // namespace avflow::ops
