// Context: what an operator sees while it runs (open, process, finish).
//
// Inputs are read and
// outputs written through the operator's own port declarations, so a port is
// always named by the object that declared it, never by a string.
#pragma once

#include <atomic>
#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

#include "engine/contract.h"
#include "engine/packet.h"
#include "engine/params.h"

namespace avflow {

// Where emitted packets go; implemented by the executor for each node kind.
class Emitter {
 public:
  virtual ~Emitter() = default;
  virtual void emit(size_t output_index, Packet packet) = 0;
};

// How a source numbers its items (Context::item() downstream, which seeds
// per-item random draws): the j-th item it emits, from 0, is
// first + (j / run) * stride + j % run. The default is 0, 1, 2, ...
struct ItemNumbering {
  uint64_t first = 0;
  uint64_t run = 1;
  uint64_t stride = 1;
  uint64_t number(uint64_t j) const { return first + (j / run) * stride + j % run; }
};

// Side values (Publishes / Reads in the contract) as a run holds them:
// each publishing node's values by name. Sources open first, then every node
// in topological order, so a publisher opens before the nodes downstream.
using SideValues = std::map<std::string, std::map<std::string, int64_t>>;
// For one node: which node publishes each side value it reads (resolved by
// validation from the graph's edges).
using SideSources = std::map<std::string, std::string>;

// Why close() is called.
enum class CloseReason { kFinished, kCancelled, kFailed };
std::string_view to_string(CloseReason reason);

class Context {
 public:
  Context(const std::string& node, const Contract& contract, const ParamSet& params,
          const std::atomic<bool>* cancelled)
      : node_(node), contract_(contract), params_(params), cancelled_(cancelled) {}

  const std::string& node() const { return node_; }
  template <class T>
  T param(const Param<T>& p) const { return params_.get(p); }
  template <class E>
  E param(const EnumParam<E>& p) const { return params_.get(p); }
  const ParamSet& params() const { return params_; }

  // --- inputs (process only) ---
  // The port the current packet arrived on.
  template <class T>
  bool has(const In<T>& port) const {
    return packet_ && contract_.inputs[input_index_].decl == &port;
  }
  // The index of the input port the current packet arrived on.
  size_t input_index() const { return input_index_; }
  template <class T>
  const T& input(const In<T>& port) const { return input_packet(port).template get<T>(); }
  template <class T>
  std::shared_ptr<const T> share_input(const In<T>& port) const {
    return input_packet(port).template share<T>();
  }
  template <class T>
  const Packet& input_packet(const In<T>& port) const {
    if (!has(port)) throw_no_input(port.spec.name);
    return *packet_;
  }
  // In open(): whether an edge feeds this input port (an optional port may
  // be left unconnected), so a node can tell "nothing comes" from "nothing
  // came yet".
  template <class T>
  bool connected(const In<T>& port) const {
    for (size_t i = 0; i < contract_.inputs.size(); ++i)
      if (contract_.inputs[i].decl == &port) return connected_ && i < connected_->size() && (*connected_)[i];
    throw std::logic_error("'" + port.spec.name + "' is not an input of node '" + node_ + "'");
  }
  // Source sequence number of the item being processed (for seeding and errors).
  uint64_t item() const { return item_; }

  // --- outputs ---
  template <class T>
  void emit(const Out<T>& port, T value) {
    emit_packet(port, Packet::make<T>(std::move(value)));
  }
  template <class T>
  void emit(const Out<T>& port, std::shared_ptr<const T> value) {
    emit_packet(port, Packet::adopt<T>(std::move(value)));
  }
  // Forwards an existing packet (no copy of the payload). Typed ports check
  // the packet's type; `Out<Any>` takes every type.
  template <class T>
  void emit_packet(const Out<T>& port, Packet packet);

  // --- sources ---
  // Ends this source's stream; process() is not called again.
  void end_of_stream() { end_of_stream_ = true; }
  bool ended() const { return end_of_stream_; }
  // Announces how many items this source will emit in all, for progress
  // bars and ETAs; optional.
  void expect_items(uint64_t total) {
    if (expected_) expected_->store(total, std::memory_order_relaxed);
  }
  // In open(): numbers this source's items from `first` on (default 0). A
  // source that resumes a stream (a sampler continuing from a checkpoint)
  // continues the numbering of the run it resumes, so per-item random
  // streams downstream (ctx.item()) draw what they drew in that run.
  void number_items_from(uint64_t first) { number_items({first, 1, 1}); }
  // In open(): numbers this source's items in runs (ItemNumbering). A
  // data-parallel rank emitting its share of every global batch numbers its
  // items as one process emitting whole batches would: first = the step
  // times the global batch plus the rank's first slot, run = its share,
  // stride = the global batch.
  void number_items(ItemNumbering numbering) {
    if (numbering.run < 1 || numbering.stride < numbering.run)
      throw std::invalid_argument("item numbering needs 1 <= run <= stride, got run " + std::to_string(numbering.run) +
                                  " and stride " + std::to_string(numbering.stride));
    if (numbering_) *numbering_ = numbering;
  }

  // In open(): true when the run was asked to resume (`avflow run --resume`):
  // operators holding state across runs (a trainer, a sampler) continue
  // from what they saved.
  bool resuming() const { return resuming_; }

  // In open(): the checkpoint folder of the run ([graph] checkpoints, set
  // once for every node); empty when the run keeps none.
  const std::string& checkpoints() const { return checkpoints_; }

  // In open(): publishes a side value the contract declares (Publishes).
  void publish(const std::string& name, int64_t value);
  // In open(): the side value `name` (declared by Reads) as the node
  // upstream that publishes it stated it; empty when it published none.
  std::optional<int64_t> published(const std::string& name) const;
  // In open(): the parameter's value, or, when it is 0, the side value the
  // contract reads into it (Reads::param). Throws when that is 0 and the
  // node upstream published nothing.
  int64_t param_or_read(const Param<int64_t>& p) const;

  // A bad input item this node replaced or left out instead of failing the
  // run (on_error = skip, engine/error_budget.h): counted in the node's
  // metrics (NodeMetrics::errors) and in the run's summary.
  void count_error() {
    if (errors_) errors_->fetch_add(1, std::memory_order_relaxed);
  }

  // True once a cancellation (Ctrl-C, SIGTERM, a failure elsewhere) began.
  bool cancelled() const { return cancelled_ && cancelled_->load(std::memory_order_relaxed); }

  // --- engine side ---
  // The executor keeps one Context per serial node and sets it up for each
  // call with bind and set_input (clear_input after), instead of making one
  // per call.
  void bind(Emitter* emitter) { emitter_ = emitter; }
  void set_input(size_t index, const Packet* packet, uint64_t item) {
    input_index_ = index;
    packet_ = packet;
    item_ = item;
  }
  void clear_input() { packet_ = nullptr; }
  void set_item(uint64_t item) { item_ = item; }
  void set_expected_sink(std::atomic<uint64_t>* sink) { expected_ = sink; }
  void set_error_sink(std::atomic<uint64_t>* sink) { errors_ = sink; }
  void set_numbering_sink(ItemNumbering* sink) { numbering_ = sink; }
  void set_resuming(bool resuming) { resuming_ = resuming; }
  void set_side_values(SideValues* values, const SideSources* sources) {
    side_values_ = values;
    side_sources_ = sources;
  }
  void set_checkpoints(std::string folder) { checkpoints_ = std::move(folder); }
  void set_connected_inputs(const std::vector<bool>* connected) { connected_ = connected; }

 private:
  template <class T>
  size_t index_of(const Out<T>& port) const {
    const size_t hint = port.index.get();
    if (hint < contract_.outputs.size() && contract_.outputs[hint].decl == &port) return hint;
    return search_output(&port, port.spec.name);
  }
  size_t search_output(const void* decl, const std::string& name) const;
  [[noreturn]] void throw_no_input(const std::string& port) const;
  void check_emit_type(size_t index, const Packet& packet) const;

  const std::string& node_;
  const Contract& contract_;
  const ParamSet& params_;
  const std::atomic<bool>* cancelled_;
  Emitter* emitter_ = nullptr;
  std::atomic<uint64_t>* expected_ = nullptr;
  std::atomic<uint64_t>* errors_ = nullptr;
  ItemNumbering* numbering_ = nullptr;
  SideValues* side_values_ = nullptr;
  const SideSources* side_sources_ = nullptr;
  std::string checkpoints_;
  const std::vector<bool>* connected_ = nullptr;  // per input port
  const Packet* packet_ = nullptr;
  size_t input_index_ = 0;
  uint64_t item_ = 0;
  bool end_of_stream_ = false;
  bool resuming_ = false;
};

template <class T>
void Context::emit_packet(const Out<T>& port, Packet packet) {
  size_t index = index_of(port);
  if constexpr (!std::is_same_v<T, Any>) check_emit_type(index, packet);
  emitter_->emit(index, std::move(packet));
}

}  // namespace avflow
