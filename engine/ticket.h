// Tickets: the in-flight accounting behind back-pressure.
//
// A source creates one ticket per item it emits. Messages derived from that
// item while it travels share the ticket (an intrusive reference count); when
// the last of them has been processed, the ticket calls its release hook,
// which gives the source room for one more item in flight. Internal (private)
// to the executor.
#pragma once

#include <atomic>
#include <cstdint>
#include <utility>
#include <vector>

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
  uint64_t seq;         // the item's sequence number at its source
  uint64_t items = 1;   // source items it stands for (a group: its members')
};

class TicketRef {
 public:
  TicketRef() = default;
  static TicketRef create(TicketOwner* owner, uint64_t seq, uint64_t items = 1) {
    TicketRef r;
    r.t_ = new Ticket{{1}, owner, seq, items};
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
  // Most references the executor destroys are empty (their ticket moved on),
  // so the test stays inline and the release is a call.
  ~TicketRef() {
    if (t_) drop();
  }

  void reset() noexcept {
    if (t_) drop();
    t_ = nullptr;
  }
  const Ticket* get() const { return t_; }

 private:
  [[gnu::noinline]] void drop() noexcept {
    if (t_->refs.fetch_sub(1, std::memory_order_acq_rel) == 1) {
      t_->owner->release_ticket();
      delete t_;
    }
  }

  Ticket* t_ = nullptr;
};

// The source items a set of tickets stands for.
inline uint64_t items_of(const std::vector<TicketRef>& tickets) {
  uint64_t n = 0;
  for (const auto& t : tickets) n += t.get()->items;
  return n;
}

// A ticket standing for several: those of the inputs an operator held
// (kHoldsInputs) until it emitted. They go back, each to its source, when the
// last message carrying the group is gone.
class TicketGroup final : public TicketOwner {
 public:
  // `members` must not be empty; seq: the item reported in error messages.
  static TicketRef create(std::vector<TicketRef> members, uint64_t seq) {
    const uint64_t items = items_of(members);
    auto* group = new TicketGroup(std::move(members));
    return TicketRef::create(group, seq, items);
  }
  void release_ticket() noexcept override { delete this; }  // releases the members
  const char* source_name() const noexcept override { return members_.back().get()->owner->source_name(); }

 private:
  explicit TicketGroup(std::vector<TicketRef> members) : members_(std::move(members)) {}
  std::vector<TicketRef> members_;
};

}  // namespace avflow::detail
