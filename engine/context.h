// Context: what an operator sees while it runs.
//
// One Context per call of open / process / finish / close. Inputs are read and
// outputs written through the operator's own port declarations, so a port is
// always named by the object that declared it, never by a string.
#pragma once

#include <atomic>
#include <cstdint>
#include <memory>
#include <string>

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
  const ParamSet& params() const { return params_; }

  // --- inputs (process only) ---
  // The port the current packet arrived on.
  template <class T>
  bool has(const In<T>& port) const { return packet_ && input_index_ == index_of_input(&port); }
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

  // True once a cancellation (Ctrl-C, SIGTERM, a failure elsewhere) began.
  bool cancelled() const { return cancelled_ && cancelled_->load(std::memory_order_relaxed); }

  // --- engine side ---
  void bind(Emitter* emitter) { emitter_ = emitter; }
  void set_input(size_t index, const Packet* packet, uint64_t item) {
    input_index_ = index;
    packet_ = packet;
    item_ = item;
  }
  void set_item(uint64_t item) { item_ = item; }
  void set_expected_sink(std::atomic<uint64_t>* sink) { expected_ = sink; }

 private:
  size_t index_of_input(const void* decl) const;
  size_t index_of_output(const void* decl, const std::string& name) const;
  [[noreturn]] void throw_no_input(const std::string& port) const;
  void check_emit_type(size_t index, const Packet& packet) const;

  const std::string& node_;
  const Contract& contract_;
  const ParamSet& params_;
  const std::atomic<bool>* cancelled_;
  Emitter* emitter_ = nullptr;
  std::atomic<uint64_t>* expected_ = nullptr;
  const Packet* packet_ = nullptr;
  size_t input_index_ = 0;
  uint64_t item_ = 0;
  bool end_of_stream_ = false;
};

template <class T>
void Context::emit_packet(const Out<T>& port, Packet packet) {
  size_t index = index_of_output(&port, port.spec.name);
  if constexpr (!std::is_same_v<T, Any>) check_emit_type(index, packet);
  emitter_->emit(index, std::move(packet));
}

}  // namespace avflow
