// The executor's edge message: copies share the ticket and the packet, unless
// the message was handed over, when each copy takes them from the one it was
// made from (engine/flow_message.h).
#include <catch2/catch.hpp>

#include "engine/flow_message.h"
#include "tests/support/test_operators.h"

using namespace avflow;
using avflow::detail::Msg;
using avflow::detail::TicketRef;

namespace {

// A source that counts the tickets it got back.
struct CountingOwner final : detail::TicketOwner {
  int released = 0;
  void release_ticket() noexcept override { ++released; }
  const char* source_name() const noexcept override { return "counting"; }
};

uint32_t refs(const Msg& m) { return m.ticket.get()->refs.load(); }

}  // namespace

TEST_CASE("a copied message shares its ticket and packet", "[executor][message]") {
  CountingOwner owner;
  {
    Msg original{TicketRef::create(&owner, 7), Packet::make(TestInt{3}), 0};
    Msg copy = original;
    CHECK(original.packet);
    CHECK(copy.packet.get<TestInt>().v == 3);
    CHECK(copy.ticket.get() == original.ticket.get());
    CHECK(refs(copy) == 2);
  }
  CHECK(owner.released == 1);
}

TEST_CASE("a handed-over message moves down a chain of copies without a count", "[executor][message]") {
  CountingOwner owner;
  {
    Msg original{TicketRef::create(&owner, 7), Packet::make(TestInt{3}), 0};
    original.hand_over();
    Msg queued = original;  // as into a node's queue
    CHECK_FALSE(original.packet);
    CHECK_FALSE(original.ticket.get());
    Msg task;
    task = queued;  // and from there into the task that runs the body
    CHECK_FALSE(queued.packet);
    REQUIRE(task.packet);
    CHECK(task.packet.get<TestInt>().v == 3);
    CHECK(refs(task) == 1);
    CHECK(owner.released == 0);
  }
  CHECK(owner.released == 1);
}
