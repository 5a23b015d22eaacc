// The "gain" example plugin: two custom operators in one shared library.
//
//   plugins = ["gain"]          # libgain.so, found through AVFLOW_PLUGIN_PATH
//
//   [[node]]
//   name = "ramp"
//   op = "gain_ramp"            # source: count rows x = start + step * slope
//   count = 5
//   slope = 0.5
//
//   [[node]]
//   name = "gain"
//   op = "gain"                 # multiplies every value of a row by `factor`
//   factor = 3.0
//
// Both operators speak `scalars` (engine/payloads/scalars.h), the payload the
// built-in `jsonl` sink writes, so the plugin's output goes straight into it.
// A plugin may also define payload types of its own with AVFLOW_PAYLOAD (see
// README.md); types are matched by name, so they cross the library boundary.
//
// Everything here uses the public operator API only: engine/operator.h for
// the Operator base class, contracts, ports and parameters, and
// engine/plugin_api.h for the registrations and the entry point. The plugin
// links avflow_engine and nothing else.
#include <cstdint>

#include "engine/operator.h"
#include "engine/payloads/scalars.h"
#include "engine/plugin_api.h"

namespace gain_example {

using avflow::Context;
using avflow::In;
using avflow::Out;
using avflow::Param;
using avflow::Range;
using avflow::Scalars;

// gain: one row in, the same row with every value multiplied by `factor` out.
class Gain final : public avflow::Operator {
 public:
  // Ports: a name, the payload type (as the template argument) and a doc line.
  static inline const In<Scalars> kIn{"in", "rows to scale"};
  static inline const Out<Scalars> kOut{"out", "the same rows, every value times factor"};
  // Parameters: a name, a default, the allowed range and a doc line. A graph
  // that sets factor = 5000 is refused by `avflow check`, before anything runs.
  static inline const Param<double> kFactor{"factor", 2.0, Range{-1000.0, 1000.0},
                                            "multiplier applied to every value"};
  // The contract lists ports, parameters and traits. kOneToOne: exactly one
  // output per input, so the engine runs it as a plain tbb function_node.
  // kParallel: process() keeps no state, so items may be processed
  // concurrently.
  AVFLOW_CONTRACT(kIn, kOut, kFactor, avflow::kOneToOne, avflow::kParallel);

  // open(): read parameters once; they are already validated here.
  void open(Context& ctx) override { factor_ = ctx.param(kFactor); }

  // process(): called once per input item.
  void process(Context& ctx) override {
    Scalars row = ctx.input(kIn);  // a copy: inputs are shared and immutable
    for (auto& [name, value] : row.values) value *= factor_;
    ctx.emit(kOut, std::move(row));
  }

 private:
  double factor_ = 1.0;
};

// gain_ramp: a tiny source so that the example graph needs nothing but this
// plugin and a built-in sink. A source's process() is called repeatedly and
// emits one item per call until it calls ctx.end_of_stream().
class GainRamp final : public avflow::Operator {
 public:
  static inline const Out<Scalars> kOut{"out", "rows {step, x = start + step * slope}"};
  static inline const Param<int64_t> kCount{"count", 10, Range{0, 1e9}, "rows to emit"};
  static inline const Param<double> kStart{"start", 0.0, "x of the first row"};
  static inline const Param<double> kSlope{"slope", 1.0, "increase of x per row"};
  AVFLOW_CONTRACT(kOut, kCount, kStart, kSlope);

  void open(Context& ctx) override {
    count_ = ctx.param(kCount);
    start_ = ctx.param(kStart);
    slope_ = ctx.param(kSlope);
    ctx.expect_items(static_cast<uint64_t>(count_));  // for progress bars; optional
  }

  void process(Context& ctx) override {
    if (next_ >= count_) {
      ctx.end_of_stream();  // "no more data" is a signal, not an exception
      return;
    }
    Scalars row;
    row.step = next_;
    row.values.push_back({"x", start_ + static_cast<double>(next_) * slope_});
    ctx.emit(kOut, std::move(row));
    ++next_;
  }

 private:
  int64_t count_ = 0, next_ = 0;
  double start_ = 0.0, slope_ = 1.0;
};

}  // namespace gain_example

// Registrations: the same macros as avflow's own operators use. AVFLOW_PLUGIN,
// once per library, defines the entry point with the plugin's name and
// version: the engine checks the plugin ABI version first, then runs the
// registrations; if one throws, nothing of this plugin is registered.
AVFLOW_REGISTER(gain_example::Gain, "gain", "multiplies every value of a scalars row by a factor");
AVFLOW_REGISTER(gain_example::GainRamp, "gain_ramp", "emits count scalars rows with x rising linearly");
AVFLOW_PLUGIN("gain", "1.0");
