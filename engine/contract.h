// Contract: what an operator declares about itself, in one place.
//
//   AVFLOW_CONTRACT(kPcm, kMel, kMels, kParallel);
//
// lists its ports, parameters and traits (and optionally a ParamsCheck). The engine derives everything else
// from it: the operator's shape (source, function, multi-output, sink), the
// tbb::flow node that runs it, graph validation, and `avflow ops` output.
#pragma once

#include <string>
#include <vector>

#include "engine/params.h"
#include "engine/ports.h"

namespace avflow {

enum class Concurrency { kSerial, kParallel };

// What the engine does with an operator's queued items after cancellation.
enum class OnCancel { kDrain, kDrop };

// Traits, passed to AVFLOW_CONTRACT beside ports and parameters.
inline constexpr struct ParallelTrait {} kParallel{};        // process() is reentrant; output order kept
inline constexpr struct DropOnCancelTrait {} kDropOnCancel{};  // skip queued items on Ctrl-C
inline constexpr struct OneToOneTrait {} kOneToOne{};          // at most one output per input
// Inputs stay in flight until a later emit (a batcher, a trainer pairing
// batches): an input that made no emit keeps counting against its source's
// max_in_flight until the node emits, so what the node holds bounds the data
// path ahead of it. Serial operators with outputs only. A graph whose
// max_in_flight is smaller than what such a node must hold before it emits
// stalls, and the run fails saying so.
inline constexpr struct HoldsInputsTrait {} kHoldsInputs{};

class Registry;

// A check across an operator's parameters (k must divide the batch size, a
// policy name must be registered) that validation runs once every parameter
// passed its own type and range check, so `avflow check` refuses the graph
// before anything runs. Each problem names the parameter it is about (empty:
// the node as a whole).
struct ParamProblem {
  std::string param;
  std::string message;
};
using ParamsCheckFn = std::vector<ParamProblem> (*)(const ParamSet& params, const Registry& registry);
struct ParamsCheck {
  ParamsCheckFn fn;
};

enum class Shape {
  kSource,    // no inputs; process() is called until it signals end of stream
  kFunction,  // one input, one output, at most one output per input (kOneToOne)
  kMulti,     // any inputs and outputs, any number of outputs per input
  kSink,      // inputs only
};

std::string_view to_string(Shape shape);

struct Contract {
  std::vector<PortSpec> inputs;
  std::vector<PortSpec> outputs;
  std::vector<ParamSpec> params;
  Concurrency concurrency = Concurrency::kSerial;
  OnCancel on_cancel = OnCancel::kDrain;
  bool one_to_one = false;
  bool holds_inputs = false;
  ParamsCheckFn params_check = nullptr;

  Shape shape() const;
  const PortSpec* input(const std::string& name) const;
  const PortSpec* output(const std::string& name) const;
  const ParamSpec* param(const std::string& name) const;
  std::vector<std::string> input_names() const;
  std::vector<std::string> output_names() const;
  std::vector<std::string> param_names() const;

  // Throws std::logic_error for a contract that can never work (duplicate
  // names, a kOneToOne operator without exactly one input and output, more
  // ports than the engine wires); checked when the operator is registered.
  void check(const std::string& op_name) const;
};

inline constexpr size_t kMaxPorts = 8;  // per direction; tbb node arity is fixed

namespace detail {
template <class T> void add_to(Contract& c, const In<T>& p) { c.inputs.push_back(p.spec); }
template <class T> void add_to(Contract& c, const Out<T>& p) {
  p.index.set(c.outputs.size());
  c.outputs.push_back(p.spec);
}
template <class T> void add_to(Contract& c, const Param<T>& p) { c.params.push_back(p.spec); }
inline void add_to(Contract& c, ParallelTrait) { c.concurrency = Concurrency::kParallel; }
inline void add_to(Contract& c, DropOnCancelTrait) { c.on_cancel = OnCancel::kDrop; }
inline void add_to(Contract& c, OneToOneTrait) { c.one_to_one = true; }
inline void add_to(Contract& c, HoldsInputsTrait) { c.holds_inputs = true; }
inline void add_to(Contract& c, ParamsCheck check) { c.params_check = check.fn; }
}  // namespace detail

template <class... Items>
Contract make_contract(const Items&... items) {
  Contract c;
  (detail::add_to(c, items), ...);
  return c;
}

}  // namespace avflow

#define AVFLOW_CONTRACT(...) \
  static ::avflow::Contract contract() { return ::avflow::make_contract(__VA_ARGS__); }
