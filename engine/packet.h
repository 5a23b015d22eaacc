// Packet: one immutable, shared, type-tagged value on an edge.
//
// Copying a packet copies a reference, never the payload, so fan-out to
// several consumers is free and a batch of tensors is never duplicated.
#pragma once

#include <memory>
#include <stdexcept>
#include <string>
#include <utility>

#include "engine/payload.h"

namespace avflow {

class Packet {
 public:
  Packet() = default;

  template <class T>
  static Packet make(T value) {
    return Packet(&payload_type<T>(), std::make_shared<const T>(std::move(value)));
  }
  template <class T>
  static Packet adopt(std::shared_ptr<const T> value) {
    return Packet(&payload_type<T>(), std::move(value));
  }

  explicit operator bool() const { return data_ != nullptr; }
  const PayloadType& type() const { return *type_; }

  template <class T>
  bool holds() const {
    return data_ && same_type(payload_type<T>());
  }

  // The value, after checking its type; throws std::logic_error naming both
  // types when they differ (only possible behind `any` ports).
  template <class T>
  const T& get() const {
    check_type(payload_type<T>());
    return *static_cast<const T*>(data_.get());
  }
  template <class T>
  std::shared_ptr<const T> share() const {
    check_type(payload_type<T>());
    return std::static_pointer_cast<const T>(data_);
  }

  // "tensor [2x3 float]" or just the type name.
  std::string describe() const;

 private:
  Packet(const PayloadType* type, std::shared_ptr<const void> data)
      : type_(type), data_(std::move(data)) {}

  bool same_type(const PayloadType& t) const {
    return type_ == &t || type_->name == t.name;
  }
  void check_type(const PayloadType& wanted) const;

  const PayloadType* type_ = nullptr;
  std::shared_ptr<const void> data_;
};

}  // namespace avflow
