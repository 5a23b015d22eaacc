// Msg: what travels on every tbb edge of the executor, a packet and the
// ticket of the source item it derives from. Internal to the executor.
//
// tbb takes a message by const reference and copies it into the node that
// receives it (into the node's queue, then from there into the task that
// runs the body), destroying each original right after. Every such copy
// counts the ticket and the packet once more, only for the original to give
// its counts back. A message put where exactly one node receives it is marked
// hand_over() instead: each copy then takes the ticket and the packet from
// the original, which tbb does not read again, and is marked in turn, so the
// item changes hands along the edge without a count.
#pragma once

#include <cstdint>
#include <utility>

#include "engine/packet.h"
#include "engine/ticket.h"

namespace avflow::detail {

struct Msg {
  // Declared before the packet, so destroyed after it: a payload is gone
  // before its ticket lets the source make the next one.
  TicketRef ticket;
  Packet packet;      // empty: a function filtered its input out
  uint32_t port = 0;  // the source's output port, while the item waits at its source
  uint64_t seq = 0;   // sources: the item's number, until it gets its ticket

  Msg() = default;
  Msg(TicketRef t, Packet p, uint32_t port_, uint64_t seq_ = 0)
      : ticket(std::move(t)), packet(std::move(p)), port(port_), seq(seq_) {}
  Msg(const Msg& o) : port(o.port), seq(o.seq), handed_over_(o.handed_over_) {
    if (handed_over_) {
      Msg& from = const_cast<Msg&>(o);  // tbb's own copy or the sender's, never const
      ticket = std::move(from.ticket);
      packet = std::move(from.packet);
    } else {
      ticket = o.ticket;
      packet = o.packet;
    }
  }
  Msg(Msg&&) noexcept = default;
  Msg& operator=(const Msg& o) {
    if (this != &o) *this = Msg(o);
    return *this;
  }
  Msg& operator=(Msg&&) noexcept = default;
  ~Msg() = default;

  // For a put with exactly one receiving node; see above.
  void hand_over() { handed_over_ = true; }

 private:
  bool handed_over_ = false;
};

}  // namespace avflow::detail
