#include "engine/context.h"

#include <stdexcept>

namespace avflow {

std::string_view to_string(CloseReason reason) {
  switch (reason) {
    case CloseReason::kFinished: return "finished";
    case CloseReason::kCancelled: return "cancelled";
    case CloseReason::kFailed: return "failed";
  }
  return "?";
}

size_t Context::search_output(const void* decl, const std::string& name) const {
  for (size_t i = 0; i < contract_.outputs.size(); ++i)
    if (contract_.outputs[i].decl == decl) return i;
  throw std::logic_error("emit on port '" + name + "', which is not in the contract of node '" +
                         node_ + "'");
}

void Context::throw_no_input(const std::string& port) const {
  if (!packet_) throw std::logic_error("input '" + port + "' read outside process()");
  throw std::logic_error("input '" + port + "' read, but the item arrived on '" +
                         contract_.inputs[input_index_].name + "'");
}

void Context::check_emit_type(size_t index, const Packet& packet) const {
  const PortSpec& port = contract_.outputs[index];
  if (!packet) throw std::logic_error("emit of an empty packet on '" + port.name + "'");
  if (!payload_compatible(packet.type(), *port.type))
    throw std::logic_error("emit of '" + std::string(packet.type().name) + "' on port '" +
                           port.name + "' of type '" + std::string(port.type->name) + "'");
}

void Context::publish(const std::string& name, int64_t value) {
  if (!side_values_) throw std::logic_error("side value '" + name + "' published outside open()");
  auto [it, added] = side_values_->emplace(name, SideValue{value, node_});
  if (!added && it->second.value != value)
    throw std::runtime_error("side value '" + name + "' = " + std::to_string(value) + " conflicts with " +
                             std::to_string(it->second.value) + " published by node '" + it->second.node + "'");
}

std::optional<int64_t> Context::published(const std::string& name) const {
  if (!side_values_) throw std::logic_error("side value '" + name + "' read outside open()");
  auto it = side_values_->find(name);
  if (it == side_values_->end()) return std::nullopt;
  return it->second.value;
}

}  // namespace avflow
