#include "engine/packet.h"

namespace avflow {

std::string Packet::describe() const {
  if (!data_) return "empty packet";
  std::string what = type_->describe ? type_->describe(data_.get()) : std::string();
  std::string out(type_->name);
  if (!what.empty()) out += " [" + what + "]";
  return out;
}

void Packet::check_type(const PayloadType& wanted) const {
  if (!data_) throw std::logic_error("read of an empty packet as '" + std::string(wanted.name) + "'");
  if (!same_type(wanted)) {
    throw std::logic_error("packet holds '" + std::string(type_->name) + "', read as '" +
                           std::string(wanted.name) + "'");
  }
}

}  // namespace avflow
