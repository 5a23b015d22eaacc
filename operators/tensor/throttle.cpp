// throttle: passes items through unchanged after a fixed delay, to model a
// slow stage (a GPU step, a network sink) when studying back-pressure.
//
//   [[node]]
//   name = "slow"
//   op = "throttle"
//   delay_ms = 5.0
#include <chrono>
#include <thread>

#include "engine/operator.h"
#include "engine/registry.h"

namespace avflow::ops {

class Throttle final : public Operator {
 public:
  static inline const In<Any> kIn{"in", "anything"};
  static inline const Out<Any> kOut{"out", "the same item"};
  static inline const Param<double> kDelay{"delay_ms", 1.0, Range{0.0, 60000.0}, "delay per item in milliseconds"};
  AVFLOW_CONTRACT(kIn, kOut, kDelay, kOneToOne, kDropOnCancel);

  void process(Context& ctx) override {
    std::this_thread::sleep_for(std::chrono::duration<double, std::milli>(ctx.param(kDelay)));
    ctx.emit_packet(kOut, ctx.input_packet(kIn));
  }
};

AVFLOW_REGISTER(Throttle, "throttle", "forwards each item after a fixed delay (models a slow stage)");

}  // namespace avflow::ops
