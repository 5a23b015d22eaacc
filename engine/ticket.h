// Tickets: the in-flight accounting behind back-pressure.
//
// A source creates one ticket per item it emits. Messages derived from that
// item while it travels share the ticket (an intrusive reference count); when
// the last of them has been processed, the ticket calls its release hook,
// which returns one unit to the source's tbb limiter_node. Internal (private)
// to the executor.
#pragma once

#include <atomic>
#include <cstdint>
#include <utility>

namespace avflow::detail {

class TicketOwner {
 public:
  virtual ~TicketOwner() = default;
  virtual void release_ticket() noexcept = 0;
  virtual const char* source_name() const noexcept = 0;
};

struct Ticket {
  std::atomic<uint32_t> refs{1};
  TicketOwner* owner;
  uint64_t seq;  // the item's sequence number at its source
};

class TicketRef {
 public:
  TicketRef() = default;
  static TicketRef create(TicketOwner* owner, uint64_t seq) {
    TicketRef r;
    r.t_ = new Ticket{{1}, owner, seq};
    return r;
  }
  TicketRef(const TicketRef& o) noexcept : t_(o.t_) {
    if (t_) t_->refs.fetch_add(1, std::memory_order_relaxed);
  }
  TicketRef(TicketRef&& o) noexcept : t_(std::exchange(o.t_, nullptr)) {}
  TicketRef& operator=(TicketRef o) noexcept {
    std::swap(t_, o.t_);
    return *this;
  }
  ~TicketRef() { reset(); }

  void reset() noexcept {
    if (t_ && t_->refs.fetch_sub(1, std::memory_order_acq_rel) == 1) {
      t_->owner->release_ticket();
      delete t_;
    }
    t_ = nullptr;
  }
  const Ticket* get() const { return t_; }

 private:
  Ticket* t_ = nullptr;
};

}  // namespace avflow::detail
