// Contract: what an operator declares about itself, in one place.
//
//   AVFLOW_CONTRACT(kPcm, kMel, kMels, kParallel);
//
// lists its ports, parameters (single ones, enum ones and whole ParamGroups),
// the rules among its parameters (ParamRule), the side values it publishes
// and reads, and its traits. The engine derives everything else from it: the
// operator's shape (source, function, multi-output, sink), the tbb::flow node
// that runs it, graph validation, `avflow ops`, `avflow dot` and the
// operator reference.
#pragma once

#include <concepts>
#include <string>
#include <vector>

#include "engine/param_rules.h"
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

// Parameters (and rules among them) that several operators take whole,
// declared once: the decode settings, a training schedule. A struct of
// Param members with a `group()` listing them goes into AVFLOW_CONTRACT as
// it is.
struct ParamGroup {
  std::vector<ParamSpec> params;
  std::vector<ParamRule> rules;
};

// Side values: named integers a node states in its open() (Context::publish)
// for the nodes downstream of it, so a graph does not repeat a number one
// node knows (a sampler's steps per epoch, read by the trainer's schedule).
// Declared in the contract, so `avflow check` finds a reader without a
// publisher upstream, or a reader set to a value its publisher contradicts,
// and `avflow dot` draws them.
struct Publishes {
  std::string name;
  std::string doc;
  std::string value_param;  // the value is this parameter's, known before the run; empty: computed in open()
  std::string when;         // a bool parameter that turns publishing off; empty: always published
};
struct Reads {
  std::string name;
  std::string param;  // the int parameter whose 0 means "the published value"; empty: always read
  std::string port;   // the input whose upstream publishes it; empty: any input's
  std::string doc;
  bool optional = false;  // without a publisher upstream the node goes on without it
};

// A check across an operator's parameters that needs code beyond a
// ParamRule (a policy name must be registered), run alongside the rules.
// Each problem names the parameter it is about (empty: the node as a whole).
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
  std::vector<ParamRule> rules;
  std::vector<Publishes> publishes;
  std::vector<Reads> reads;

  Shape shape() const;
  const PortSpec* input(const std::string& name) const;
  const PortSpec* output(const std::string& name) const;
  const ParamSpec* param(const std::string& name) const;
  const Publishes* published(const std::string& name) const;
  const Reads* read(const std::string& name) const;
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
template <class E> void add_to(Contract& c, const EnumParam<E>& p) { c.params.push_back(p.spec); }
inline void add_to(Contract& c, const ParamGroup& g) {
  c.params.insert(c.params.end(), g.params.begin(), g.params.end());
  c.rules.insert(c.rules.end(), g.rules.begin(), g.rules.end());
}
template <class G>
  requires requires(const G& g) { { g.group() } -> std::convertible_to<ParamGroup>; }
void add_to(Contract& c, const G& g) { add_to(c, g.group()); }
inline void add_to(Contract& c, ParamRule r) { c.rules.push_back(std::move(r)); }
inline void add_to(Contract& c, Publishes p) { c.publishes.push_back(std::move(p)); }
inline void add_to(Contract& c, Reads r) { c.reads.push_back(std::move(r)); }
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
