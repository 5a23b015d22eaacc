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
  if (!contract_.published(name))
    throw std::logic_error("node '" + node_ + "' publishes side value '" + name + "', which its contract does not declare");
  (*side_values_)[node_][name] = value;
}

std::optional<int64_t> Context::published(const std::string& name) const {
  if (!side_values_) throw std::logic_error("side value '" + name + "' read outside open()");
  if (!contract_.read(name))
    throw std::logic_error("node '" + node_ + "' reads side value '" + name + "', which its contract does not declare");
  if (!side_sources_) return std::nullopt;
  auto source = side_sources_->find(name);
  if (source == side_sources_->end()) return std::nullopt;
  auto node = side_values_->find(source->second);
  if (node == side_values_->end()) return std::nullopt;
  auto it = node->second.find(name);
  if (it == node->second.end()) return std::nullopt;
  return it->second;
}

int64_t Context::param_or_read(const Param<int64_t>& p) const {
  const int64_t value = param(p);
  if (value != 0) return value;
  for (const auto& r : contract_.reads) {
    if (r.param != p.name()) continue;
    if (auto v = published(r.name)) return *v;
    const bool has_source = side_sources_ && side_sources_->count(r.name);
    const std::string why = has_source ? "node '" + side_sources_->at(r.name) + "' published none"
                                       : std::string("no node upstream publishes it");
    throw std::runtime_error(p.name() + " = 0 reads the " + r.name + " published upstream, but " + why + "; set " +
                             p.name());
  }
  throw std::logic_error("parameter '" + p.name() + "' of node '" + node_ + "' reads no side value");
}

}  // namespace avflow
