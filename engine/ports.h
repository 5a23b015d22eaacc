// Typed ports, declared once per operator as static members:
//   static inline const In<Pcm> kPcm{"pcm", "mono float PCM"};
//   static inline const Out<MelSpec> kMel{"mel", "log-mel spectrogram"};
// The payload type is part of the port's C++ type, so emitting or reading the
// wrong type does not compile; across edges the engine checks the names.
#pragma once

#include <atomic>
#include <cstddef>
#include <cstdint>
#include <string>

#include "engine/payload.h"

namespace avflow {

struct PortSpec {
  std::string name;
  const PayloadType* type;
  std::string doc;
  bool optional = false;  // inputs only: may be left unconnected
  const void* decl = nullptr;  // address of the In/Out object, to find it fast
};

inline constexpr struct OptionalPort {} kOptional{};

// An output port's position in the contract that lists it, recorded when the
// contract is made, so a Context finds the port in one step instead of
// searching the contract on every emit. Only a hint: the Context
// checks it and searches when a port object is listed by two contracts at
// different positions.
class PortIndexHint {
 public:
  static constexpr uint8_t kNone = 0xff;
  size_t get() const { return index_.load(std::memory_order_relaxed); }
  void set(size_t index) const {
    index_.store(index < kNone ? static_cast<uint8_t>(index) : kNone, std::memory_order_relaxed);
  }

 private:
  mutable std::atomic<uint8_t> index_{kNone};
};

template <class T>
struct In {
  PortSpec spec;
  In(const char* name, const char* doc = "") : spec{name, &payload_type<T>(), doc, false, this} {}
  In(const char* name, OptionalPort, const char* doc = "")
      : spec{name, &payload_type<T>(), doc, true, this} {}
  In(const In&) = delete;
  In& operator=(const In&) = delete;
  const std::string& name() const { return spec.name; }
};

template <class T>
struct Out {
  PortSpec spec;
  Out(const char* name, const char* doc = "") : spec{name, &payload_type<T>(), doc, false, this} {}
  Out(const Out&) = delete;
  Out& operator=(const Out&) = delete;
  const std::string& name() const { return spec.name; }
  PortIndexHint index;
};

}  // namespace avflow
