#include "engine/executor.h"

#include <oneapi/tbb/flow_graph.h>
#include <oneapi/tbb/global_control.h>

#include <algorithm>
#include <chrono>
#include <deque>
#include <utility>
#include <mutex>
#include <optional>

#include "engine/log.h"
#include "engine/payloads/scalars.h"
#include "engine/busy_clock.h"
#include "engine/flow_message.h"
#include "engine/serial_node.h"
#include "engine/ticket.h"

namespace avflow {
namespace flow = tbb::flow;
using detail::Msg;
using detail::TicketRef;
using Clock = std::chrono::steady_clock;

std::string_view to_string(RunStatus status) {
  switch (status) {
    case RunStatus::kFinished: return "finished";
    case RunStatus::kCancelled: return "cancelled";
    case RunStatus::kFailed: return "failed";
  }
  return "?";
}

std::string RunFailure::str() const {
  std::string s = node.empty() ? std::string("engine") : "node '" + node + "'";
  s += " failed in " + phase;
  if (!item.empty()) s += " on " + item;
  return s + ": " + message;
}

namespace {

// What a parallel operator made of one input, carried to the sequencer that
// puts results back into input order.
struct Bundle {
  uint64_t ordinal = 0;  // the input's arrival number at this node
  TicketRef ticket;
  std::vector<std::pair<uint32_t, Packet>> emitted;  // (port, packet), in emit order
};

// An input tagged with its arrival number.
struct Numbered {
  uint64_t ordinal = 0;
  Msg msg;
};

template <class T, size_t... I>
auto repeat_tuple(std::index_sequence<I...>) -> std::tuple<std::enable_if_t<(I >= 0), T>...>;
template <size_t N>
using MsgTuple = decltype(repeat_tuple<Msg>(std::make_index_sequence<N>{}));

template <size_t... I>
auto indexer_of(std::index_sequence<I...>) -> flow::indexer_node<std::enable_if_t<(I >= 0), Msg>...>;
template <size_t N>
using Indexer = decltype(indexer_of(std::make_index_sequence<N>{}));


// The text of the exception being handled; call inside a catch block only.
std::string current_exception_text() {
  try {
    throw;
  } catch (const std::exception& e) {
    return e.what();
  } catch (...) {
    return "an exception not derived from std::exception";
  }
}

// The message a queueing (not lightweight) node's body is given is that
// node's own copy, made by tbb when the message was put and destroyed when
// the body returns, so the body may take what it carries: passing the ticket
// on this way costs no reference count.
template <class T>
T& owned(const T& message) {
  return const_cast<T&>(message);
}

// Adds to one of a node's counters from inside its body. tbb never overlaps
// the bodies of a serial node (and orders them), so there a plain load and
// store is enough; it saves a locked instruction per counter and item, a
// measurable part of the per-hop cost (bench/flow_overhead.cpp).
inline void bump(std::atomic<uint64_t>& counter, uint64_t n, bool serial) {
  if (serial) counter.store(counter.load(std::memory_order_relaxed) + n, std::memory_order_relaxed);
  else counter.fetch_add(n, std::memory_order_relaxed);
}

}  // namespace

struct NodeState final : detail::TicketOwner {
  const ResolvedNode* spec = nullptr;
  const Contract* contract = nullptr;
  std::unique_ptr<Operator> op;
  // Serial nodes and sources: the Context every process() call reuses.
  std::optional<Context> call_context;
  NodeCounters counters;
  bool opened = false;
  bool drop_on_cancel = false;
  bool serial = true;  // process() calls never overlap: see bump()
  bool holds_inputs = false;  // kHoldsInputs: see EmitTicket
  detail::BusySampler busy;  // serial nodes and sources: which calls are timed
  Executor::Impl* impl = nullptr;
  // kHoldsInputs: tickets of inputs that made no emit yet (serial: one
  // process() call at a time touches it).
  std::vector<TicketRef> held;

  // The latest row emitted on each Scalars output port, for the status
  // endpoint and metrics snapshots (sharing the packet's payload, no copy).
  std::vector<bool> scalars_port;  // per output port, fixed at build
  mutable std::mutex latest_mu;
  std::shared_ptr<const Scalars> latest_scalars;
  void saw(size_t port, const Packet& packet) {
    if (!scalars_port[port]) return;
    auto row = packet.share<Scalars>();
    std::lock_guard<std::mutex> lock(latest_mu);
    latest_scalars = std::move(row);
  }

  std::vector<flow::receiver<Msg>*> inputs;                    // per input port
  std::vector<bool> connected_inputs;                          // per input port: an edge feeds it
  std::vector<flow::sender<Msg>*> outputs;                     // per output port
  std::vector<std::vector<flow::receiver<Msg>*>> downstream;   // per output port
  std::vector<std::pair<NodeState*, size_t>> upstream;         // (node, its output port)

  // True when one node receives what output port `port` puts, so a message
  // put there may be handed over (flow_message.h).
  bool one_receiver(size_t port) const { return downstream[port].size() == 1; }

  uint64_t items_out_total() const {
    uint64_t n = 0;
    for (const auto& c : counters.items_out) n += c.load(std::memory_order_relaxed);
    return n;
  }

  // Sources. The source's serial node runs when woken and hands on items
  // while fewer than max_in_flight are in flight (counters.in_flight); a
  // ticket coming back to a full source wakes it.
  flow::receiver<flow::continue_msg>* wake = nullptr;
  int64_t max_in_flight = 0;
  std::deque<Msg> pending;  // emitted by one process() call, handed out one by one
  bool ended = false;
  ItemNumbering numbering;  // Context::number_items
  uint64_t emitted = 0;      // items handed on so far

  void release_ticket() noexcept override;
  const char* source_name() const noexcept override { return spec->name.c_str(); }
};

struct Executor::Impl {
  const ResolvedGraph& graph;
  std::atomic<bool>& cancel;
  // Declared before the states: tickets still queued when the states are
  // destroyed read it to learn that the sources' nodes are gone.
  std::atomic<bool> live{true};
  std::vector<std::unique_ptr<NodeState>> states;  // by node index
  SideValues side_values;  // published in open(), which runs on one thread
  // The graph gets an arena of its own. A flow::graph joins the arena of the
  // thread that constructs it; when that thread already has one (it ran a
  // graph before) and run() is called from another thread, every task is
  // delegated into the constructing thread's arena, whose master slot that
  // thread keeps, and the run loses a worker (on 2 cores: half its threads).
  // Sized like the arena the executor is made in, so a caller's limit holds,
  // and no larger than a global_control's limit: then one thread is one
  // thread for good, even if the limit is lifted before the run.
  tbb::task_arena arena{arena_concurrency()};
  std::unique_ptr<flow::graph> graph_holder = make_graph_in(arena);
  flow::graph& g = *graph_holder;
  std::vector<std::unique_ptr<flow::graph_node>> tbb_nodes;  // destroyed before states
  std::atomic<bool> failed{false};
  std::mutex failure_mu;
  std::vector<RunFailure> failures;
  Clock::time_point start = Clock::now();
  detail::BusyClockRate busy_rate;
  bool ran = false;

  Impl(const ResolvedGraph& graph, std::atomic<bool>& cancel) : graph(graph), cancel(cancel) {}
  static int arena_concurrency() {
    const size_t limit = tbb::global_control::active_value(tbb::global_control::max_allowed_parallelism);
    return static_cast<int>(std::min<size_t>(tbb::this_task_arena::max_concurrency(), std::max<size_t>(limit, 1)));
  }
  static std::unique_ptr<flow::graph> make_graph_in(tbb::task_arena& a) {
    std::unique_ptr<flow::graph> made;
    a.execute([&] { made = std::make_unique<flow::graph>(); });
    return made;
  }
  ~Impl() {
    live.store(false);  // tickets destroyed with queued messages must not wake sources
    tbb_nodes.clear();
    release_held();     // while every source's state still exists
  }

  void release_held() {
    for (auto& s : states) s->held.clear();
  }

  // After the graph went idle with no stop requested, every source must have
  // ended and handed on all it made; otherwise it waits for tickets that
  // nodes hold (kHoldsInputs) until more items come: max_in_flight
  // is smaller than what those nodes hold before they emit. Returns the
  // explanation, empty when the run is not stalled.
  std::string stall_explanation() const;

  bool stopping() const {
    return cancel.load(std::memory_order_relaxed) || failed.load(std::memory_order_relaxed);
  }

  void fail(NodeState& s, const char* phase, const Msg* in, const std::string& what) {
    RunFailure f{s.spec->name, phase, in ? describe_item(*in) : std::string(), what};
    {
      std::lock_guard<std::mutex> lock(failure_mu);
      // The first failure is the cause; after it only close() failures are
      // worth reporting (every opened operator is closed, whatever happened).
      if (!failed.load() || std::string(phase) == "close") failures.push_back(std::move(f));
    }
    failed.store(true);
    cancel.store(true);
    g.cancel();
  }

  static std::string describe_item(const Msg& m) {
    std::string s;
    if (const auto* t = m.ticket.get())
      s = "item " + std::to_string(t->seq) + " of source '" + t->owner->source_name() + "'";
    else
      s = "an item emitted at end of stream";
    if (m.packet) s += " (" + m.packet.describe() + ")";
    return s;
  }

  // Runs process() on one input message with the given emitter.
  void process(NodeState& s, size_t port, const Msg& in, Emitter& emitter) {
    if (!in.packet) return;  // an empty packet (forwarded through an `any` port) carries nothing
    if (failed.load(std::memory_order_relaxed) ||
        (s.drop_on_cancel && cancel.load(std::memory_order_relaxed))) {
      bump(s.counters.dropped, 1, s.serial);
      return;
    }
    bump(s.counters.items_in, 1, s.serial);
    if (s.serial) return process_in(s, *s.call_context, port, in, emitter);
    Context ctx(s.spec->name, *s.contract, s.spec->params, &cancel);
    ctx.set_error_sink(&s.counters.errors);
    process_in(s, ctx, port, in, emitter);
  }

  void process_in(NodeState& s, Context& ctx, size_t port, const Msg& in, Emitter& emitter) {
    ctx.bind(&emitter);
    ctx.set_input(port, &in.packet, in.ticket.get() ? in.ticket.get()->seq : 0);
    // Parallel calls share no sampler: each is timed.
    const bool timed = !s.serial || s.busy.time_this_call();
    const uint64_t t0 = timed ? detail::busy_ticks() : 0;
    try {
      s.op->process(ctx);
    } catch (...) {
      fail(s, "process", &in, current_exception_text());
    }
    ctx.clear_input();
    if (timed) add_busy(s, detail::busy_ticks() - t0);
  }

  static void add_busy(NodeState& s, uint64_t ticks) {
    bump(s.counters.busy_ticks, s.serial ? s.busy.weigh(ticks) : ticks, s.serial);
  }

  void build();
  void build_source(NodeState& s);
  template <size_t NOut>
  void build_source_n(NodeState& s);
  template <class Ports>
  void hand_on_items(NodeState& s, Ports& ports);
  void build_function(NodeState& s);
  Msg make_result(NodeState& s, const Msg& in);
  template <size_t NOut>
  void build_ordered_parallel(NodeState& s);
  void build_sink(NodeState& s);
  template <size_t NIn>
  void build_sink_n(NodeState& s);
  template <size_t NIn, size_t NOut>
  void build_multi_n(NodeState& s);
  void build_multi(NodeState& s);
  bool next_from_source(NodeState& s, Msg& out);
  static void stamp_ticket(NodeState& s, Msg& m);
};

// Only a ticket that frees a full source wakes it: a source that is not full
// is still handing on items, and sees the count drop. A wake may come while
// the source's body runs, even from inside it (its item went to an
// unconnected port): the serial node queues it and runs the body again.
void NodeState::release_ticket() noexcept {
  const int64_t before = counters.in_flight.fetch_sub(1, std::memory_order_relaxed);
  if (before == max_in_flight && impl->live.load(std::memory_order_relaxed)) wake->try_put(flow::continue_msg());
}

namespace {

// Puts a message on output port i (a run-time index) of a multifunction node.
// tbb copies it for each receiver.
template <class Ports, size_t... I>
void put_to_port_impl(Ports& ports, size_t i, const Msg& m, std::index_sequence<I...>) {
  using Put = void (*)(Ports&, const Msg&);
  static constexpr Put kPut[] = {[](Ports& p, const Msg& msg) { std::get<I>(p).try_put(msg); }...};
  kPut[i](ports, m);
}
template <class Ports>
void put_to_port(Ports& ports, size_t i, const Msg& m) {
  put_to_port_impl(ports, i, m, std::make_index_sequence<std::tuple_size_v<Ports>>{});
}

// Puts `packet` with `ticket` on port i of node s; the ticket stays for
// further emits. One receiver: the message, with its own count of the
// ticket, is handed over. Several: the ticket is lent to the message for the
// put and comes back after it (tbb made counted copies), so it is not counted
// once more for a message that lives only here.
template <class Ports>
void put_with_ticket(const NodeState& s, Ports& ports, size_t i, TicketRef& ticket, Packet packet) {
  if (s.one_receiver(i)) {
    Msg m{ticket, std::move(packet), 0};
    m.hand_over();
    put_to_port(ports, i, m);
    return;
  }
  Msg m{std::move(ticket), std::move(packet), 0};
  put_to_port(ports, i, m);
  ticket = std::move(m.ticket);
}

// Records every output port of a multifunction node as the node's outputs.
template <size_t NOut, class Node>
void add_output_ports(NodeState& s, Node& node) {
  [&]<size_t... I>(std::index_sequence<I...>) {
    (s.outputs.push_back(&flow::output_port<I>(node)), ...);
  }(std::make_index_sequence<NOut>{});
}

[[noreturn]] void second_item_for_one_input() {
  throw std::logic_error("a kOneToOne operator emitted a second item for one input");
}

// The ticket the emits of one serial process() call carry: the input's. An
// operator that holds its inputs (kHoldsInputs) keeps an input that made no
// emit in flight: its ticket waits in the node and joins, with the others
// waiting, the group ticket of the next call that emits. A batcher's
// upstream then runs at most max_in_flight items ahead of what it emitted.
class EmitTicket {
 public:
  // `in`: the input message's ticket, which an emit may take (see owned()).
  EmitTicket(NodeState& s, TicketRef& in) : s_(s), in_(in) {}
  EmitTicket(const EmitTicket&) = delete;
  EmitTicket& operator=(const EmitTicket&) = delete;
  ~EmitTicket() {
    if (s_.holds_inputs && !emitted_) hold_input();
  }
  TicketRef& get() {
    if (!emitted_) {
      emitted_ = true;
      if (s_.holds_inputs && !s_.held.empty()) {
        hold_input();
        const uint64_t seq = s_.held.back().get()->seq;
        group_ = detail::TicketGroup::create(std::exchange(s_.held, {}), seq);
      }
    }
    return group_.get() ? group_ : in_;
  }

 private:
  // Consecutive inputs often share a ticket (the packets of one group); it is
  // held once.
  void hold_input() {
    if (in_.get() && (s_.held.empty() || s_.held.back().get() != in_.get())) s_.held.push_back(in_);
  }

  NodeState& s_;
  TicketRef& in_;
  TicketRef group_;
  bool emitted_ = false;
};

// Emitter for a kOneToOne function: at most one packet, into the return
// slot; the caller gives it the ticket once process() returned.
class SlotEmitter final : public Emitter {
 public:
  SlotEmitter(NodeState& s, Packet& out) : s_(s), out_(out) {}
  void emit(size_t, Packet packet) override {
    if (out_)
      second_item_for_one_input();
    bump(s_.counters.items_out[0], 1, s_.serial);
    s_.saw(0, packet);
    out_ = std::move(packet);
  }

 private:
  NodeState& s_;
  Packet& out_;
};

// Emitter for serial multifunction nodes: straight into the tbb output port.
template <class Ports>
class PortsEmitter final : public Emitter {
 public:
  PortsEmitter(NodeState& s, EmitTicket& ticket, Ports& ports) : s_(s), ticket_(ticket), ports_(ports) {}
  void emit(size_t i, Packet packet) override {
    bump(s_.counters.items_out[i], 1, s_.serial);
    s_.saw(i, packet);
    put_with_ticket(s_, ports_, i, ticket_.get(), std::move(packet));
  }

 private:
  NodeState& s_;
  EmitTicket& ticket_;
  Ports& ports_;
};

// Emitter for parallel operators: collects what one input made.
class BundleEmitter final : public Emitter {
 public:
  BundleEmitter(NodeState& s, Bundle& out, bool one_to_one) : s_(s), out_(out), one_to_one_(one_to_one) {}
  void emit(size_t i, Packet packet) override {
    if (one_to_one_ && !out_.emitted.empty())
      second_item_for_one_input();
    bump(s_.counters.items_out[i], 1, false);
    s_.saw(i, packet);
    out_.emitted.emplace_back(static_cast<uint32_t>(i), std::move(packet));
  }

 private:
  NodeState& s_;
  Bundle& out_;
  bool one_to_one_;
};

// Emitter for sources: queued, handed on one at a time as room in flight allows.
class QueueEmitter final : public Emitter {
 public:
  explicit QueueEmitter(NodeState& s) : s_(s) {}
  void emit(size_t i, Packet packet) override {
    s_.saw(i, packet);
    s_.pending.push_back(Msg{{}, std::move(packet), static_cast<uint32_t>(i)});
  }

 private:
  NodeState& s_;
};

// Emitter for finish(): items go straight to the downstream receivers.
class DirectEmitter final : public Emitter {
 public:
  explicit DirectEmitter(NodeState& s) : s_(s) {}
  void emit(size_t i, Packet packet) override {
    s_.counters.items_out[i].fetch_add(1, std::memory_order_relaxed);
    s_.saw(i, packet);
    for (auto* r : s_.downstream[i]) r->try_put(Msg{{}, packet, 0});
  }

 private:
  NodeState& s_;
};

class NoEmitter final : public Emitter {
 public:
  void emit(size_t, Packet) override { throw std::logic_error("emit outside process() or finish()"); }
};

template <class Body>
std::unique_ptr<detail::SerialNode<Body>> make_serial_node(flow::graph& g, Body body) {
  return std::make_unique<detail::SerialNode<Body>>(g, std::move(body));
}

size_t concurrency_of(const NodeState& s) {
  return s.contract->concurrency == Concurrency::kParallel ? flow::unlimited : flow::serial;
}

template <size_t N, class F>
void dispatch_arity(size_t n, F&& f) {
  if constexpr (N <= kMaxPorts) {
    if (n == N) return f(std::integral_constant<size_t, N>{});
    dispatch_arity<N + 1>(n, std::forward<F>(f));
  } else {
    throw std::logic_error("port count out of range");
  }
}

}  // namespace

// The source's next item, calling process() until it emits or ends; false
// when it ended or the run is stopping.
bool Executor::Impl::next_from_source(NodeState& s, Msg& out) {
  while (s.pending.empty()) {
    if (s.ended || stopping()) return false;
    QueueEmitter emitter(s);
    Context& ctx = *s.call_context;
    ctx.bind(&emitter);
    ctx.set_item(s.numbering.number(s.emitted));
    const bool timed = s.busy.time_this_call();  // the source's node is serial
    const uint64_t t0 = timed ? detail::busy_ticks() : 0;
    try {
      s.op->process(ctx);
    } catch (...) {
      fail(s, "process", nullptr, current_exception_text());
    }
    if (timed) bump(s.counters.busy_ticks, s.busy.weigh(detail::busy_ticks() - t0), true);
    if (ctx.ended()) s.ended = true;
  }
  out = std::move(s.pending.front());
  s.pending.pop_front();
  out.seq = s.numbering.number(s.emitted++);
  return true;
}

// Gives an item the ticket that will return it as it is handed on.
void Executor::Impl::stamp_ticket(NodeState& s, Msg& m) {
  // Counted here, not when made: an item waiting at the source has not been
  // delivered, and queue depths downstream are computed from this count.
  s.counters.items_out[m.port].fetch_add(1, std::memory_order_relaxed);
  int64_t now = s.counters.in_flight.fetch_add(1, std::memory_order_relaxed) + 1;
  int64_t peak = s.counters.in_flight_peak.load(std::memory_order_relaxed);
  while (now > peak && !s.counters.in_flight_peak.compare_exchange_weak(peak, now, std::memory_order_relaxed)) {
  }
  m.ticket = TicketRef::create(&s, m.seq);
}

// Hands on items in the source's order, each on the port it was emitted on,
// while the source has room in flight.
template <class Ports>
void Executor::Impl::hand_on_items(NodeState& s, Ports& ports) {
  Msg m;
  while (s.counters.in_flight.load(std::memory_order_relaxed) < s.max_in_flight && next_from_source(s, m)) {
    const uint32_t port = std::exchange(m.port, 0);
    stamp_ticket(s, m);
    if (s.one_receiver(port)) m.hand_over();
    put_to_port(ports, port, m);
    m = Msg();
  }
}

void Executor::Impl::build_source(NodeState& s) {
  s.max_in_flight = graph.settings.max_in_flight;
  dispatch_arity<1>(s.contract->outputs.size(), [&](auto n) { build_source_n<decltype(n)::value>(s); });
}

// A source is a serial node woken by continue messages (run() wakes it first,
// then tickets coming back to it when it was full). Its items leave in its
// order, and a ticket may come back anywhere, even inside the body that
// stamped it: all it does there is queue a wake. (Behind a limiter_node, a
// ticket coming back while the limiter handed its item on re-entered the
// limiter and hung the run.)
template <size_t NOut>
void Executor::Impl::build_source_n(NodeState& s) {
  using Node = flow::multifunction_node<flow::continue_msg, MsgTuple<NOut>>;
  auto node = std::make_unique<Node>(g, flow::serial, [this, &s](const flow::continue_msg&, typename Node::output_ports_type& ports) {
    hand_on_items(s, ports);
  });
  s.wake = node.get();
  add_output_ports<NOut>(s, *node);
  tbb_nodes.push_back(std::move(node));
}

void Executor::Impl::build_function(NodeState& s) {
  if (!s.serial) {
    build_ordered_parallel<1>(s);
    return;
  }
  // Serial: results leave in input order, each before the next input starts
  // (serial_node.h); an input that made nothing puts nothing.
  auto node = make_serial_node(g, [this, &s](Msg& in) {
    Msg out = make_result(s, in);
    if (s.one_receiver(0)) out.hand_over();
    return out;
  });
  s.inputs.push_back(node.get());
  s.outputs.push_back(node.get());
  tbb_nodes.push_back(std::move(node));
}

// What a serial kOneToOne operator made of `in`: a message with the packet
// and its ticket, or an empty one.
Msg Executor::Impl::make_result(NodeState& s, const Msg& in) {
  Msg out;
  EmitTicket ticket(s, owned(in).ticket);
  SlotEmitter emitter(s, out.packet);
  process(s, 0, in, emitter);
  if (out.packet) out.ticket = std::move(ticket.get());
  return out;
}

// A kParallel operator with one input: concurrent process() calls, results
// in input order. Batches downstream then hold the items a sampler grouped,
// and a run is the same from run to run whatever the thread timing.
//
//   number (inline: arrival order) -> work (parallel, collects emits into a
//   Bundle) -> tbb sequencer (by arrival number) -> unbundle (serial, puts
//   inside its body, so in order)
template <size_t NOut>
void Executor::Impl::build_ordered_parallel(NodeState& s) {
  auto counter = std::make_shared<std::atomic<uint64_t>>(0);
  auto number = std::make_unique<flow::function_node<Msg, Numbered, flow::lightweight>>(
      g, flow::unlimited, [counter](const Msg& m) noexcept {
        return Numbered{counter->fetch_add(1, std::memory_order_relaxed), m};
      });
  const bool one_to_one = s.contract->shape() == Shape::kFunction;
  auto work = std::make_unique<flow::function_node<Numbered, Bundle>>(
      g, flow::unlimited, [this, &s, one_to_one](const Numbered& in) {
        Bundle out{in.ordinal, {}, {}};
        BundleEmitter emitter(s, out, one_to_one);
        process(s, 0, in.msg, emitter);
        out.ticket = std::move(owned(in).msg.ticket);
        return out;
      });
  auto sequencer = std::make_unique<flow::sequencer_node<Bundle>>(g, [](const Bundle& b) { return b.ordinal; });
  using Unbundle = flow::multifunction_node<Bundle, MsgTuple<NOut>>;
  auto unbundle = std::make_unique<Unbundle>(g, flow::serial, [&s](const Bundle& in, typename Unbundle::output_ports_type& ports) {
    Bundle& b = owned(in);
    for (auto& [port, packet] : b.emitted) put_with_ticket(s, ports, port, b.ticket, std::move(packet));
  });
  flow::make_edge(*number, *work);
  flow::make_edge(*work, *sequencer);
  flow::make_edge(*sequencer, *unbundle);
  s.inputs.push_back(number.get());
  add_output_ports<NOut>(s, *unbundle);
  tbb_nodes.push_back(std::move(number));
  tbb_nodes.push_back(std::move(work));
  tbb_nodes.push_back(std::move(sequencer));
  tbb_nodes.push_back(std::move(unbundle));
}

template <size_t NIn>
void Executor::Impl::build_sink_n(NodeState& s) {
  if constexpr (NIn == 1) {
    if (s.serial) {
      auto node = make_serial_node(g, [this, &s](Msg& in) {
        NoEmitter emitter;
        process(s, 0, in, emitter);
        return Msg();
      });
      s.inputs.push_back(node.get());
      tbb_nodes.push_back(std::move(node));
      return;
    }
    auto node = std::make_unique<flow::function_node<Msg, flow::continue_msg>>(
        g, concurrency_of(s), [this, &s](const Msg& in) {
          NoEmitter emitter;
          process(s, 0, in, emitter);
          return flow::continue_msg();
        });
    s.inputs.push_back(node.get());
    tbb_nodes.push_back(std::move(node));
  } else {
    using Idx = Indexer<NIn>;
    auto idx = std::make_unique<Idx>(g);
    auto node = std::make_unique<flow::function_node<typename Idx::output_type, flow::continue_msg>>(
        g, concurrency_of(s), [this, &s](const typename Idx::output_type& in) {
          NoEmitter emitter;
          process(s, in.tag(), in.template cast_to<Msg>(), emitter);
          return flow::continue_msg();
        });
    flow::make_edge(*idx, *node);
    [&]<size_t... I>(std::index_sequence<I...>) {
      (s.inputs.push_back(&flow::input_port<I>(*idx)), ...);
    }(std::make_index_sequence<NIn>{});
    tbb_nodes.push_back(std::move(idx));
    tbb_nodes.push_back(std::move(node));
  }
}

void Executor::Impl::build_sink(NodeState& s) {
  dispatch_arity<1>(s.contract->inputs.size(), [&](auto n) { build_sink_n<decltype(n)::value>(s); });
}

template <size_t NIn, size_t NOut>
void Executor::Impl::build_multi_n(NodeState& s) {
  using Ports = MsgTuple<NOut>;
  std::unique_ptr<flow::graph_node> indexer;
  std::unique_ptr<flow::graph_node> body;
  if constexpr (NIn == 1) {
    if (!s.serial) return build_ordered_parallel<NOut>(s);
    using Node = flow::multifunction_node<Msg, Ports>;
    auto node = std::make_unique<Node>(g, concurrency_of(s), [this, &s](const Msg& in, typename Node::output_ports_type& ports) {
      EmitTicket ticket(s, owned(in).ticket);
      PortsEmitter<typename Node::output_ports_type> emitter(s, ticket, ports);
      process(s, 0, in, emitter);
    });
    s.inputs.push_back(node.get());
    add_output_ports<NOut>(s, *node);
    body = std::move(node);
  } else {
    using Idx = Indexer<NIn>;
    using In = typename Idx::output_type;
    using Node = flow::multifunction_node<In, Ports>;
    auto idx = std::make_unique<Idx>(g);
    auto node = std::make_unique<Node>(g, concurrency_of(s), [this, &s](const In& in, typename Node::output_ports_type& ports) {
      const Msg& m = in.template cast_to<Msg>();
      EmitTicket ticket(s, owned(m).ticket);
      PortsEmitter<typename Node::output_ports_type> emitter(s, ticket, ports);
      process(s, in.tag(), m, emitter);
    });
    flow::make_edge(*idx, *node);
    [&]<size_t... I>(std::index_sequence<I...>) {
      (s.inputs.push_back(&flow::input_port<I>(*idx)), ...);
    }(std::make_index_sequence<NIn>{});
    add_output_ports<NOut>(s, *node);
    indexer = std::move(idx);
    body = std::move(node);
  }
  if (indexer) tbb_nodes.push_back(std::move(indexer));
  tbb_nodes.push_back(std::move(body));
}

void Executor::Impl::build_multi(NodeState& s) {
  dispatch_arity<1>(s.contract->inputs.size(), [&](auto nin) {
    dispatch_arity<1>(s.contract->outputs.size(), [&](auto nout) {
      build_multi_n<decltype(nin)::value, decltype(nout)::value>(s);
    });
  });
}

void Executor::Impl::build() {
  for (const auto& node : graph.nodes) {
    auto s = std::make_unique<NodeState>();
    s->spec = &node;
    s->contract = &node.op->contract;
    s->impl = this;
    s->drop_on_cancel = node.op->contract.on_cancel == OnCancel::kDrop;
    s->serial = node.op->contract.concurrency == Concurrency::kSerial;
    s->holds_inputs = node.op->contract.holds_inputs;
    s->op = node.op->factory();
    s->call_context.emplace(node.name, node.op->contract, node.params, &cancel);
    s->call_context->set_expected_sink(&s->counters.expected);
    s->call_context->set_error_sink(&s->counters.errors);
    s->downstream.resize(node.op->contract.outputs.size());
    for (const auto& port : node.op->contract.outputs)
      s->scalars_port.push_back(port.type == &payload_type<Scalars>() || port.type->name == payload_type<Scalars>().name);
    states.push_back(std::move(s));
  }
  for (size_t i : graph.topo_order) {
    NodeState& s = *states[i];
    switch (s.contract->shape()) {
      case Shape::kSource: build_source(s); break;
      case Shape::kFunction: build_function(s); break;
      case Shape::kMulti: build_multi(s); break;
      case Shape::kSink: build_sink(s); break;
    }
  }
  for (const auto& e : graph.edges) {
    NodeState& from = *states[e.from_node];
    NodeState& to = *states[e.to_node];
    flow::make_edge(*from.outputs[e.from_port], *to.inputs[e.to_port]);
    from.downstream[e.from_port].push_back(to.inputs[e.to_port]);
    to.upstream.push_back({&from, e.from_port});
    to.connected_inputs.resize(to.contract->inputs.size());
    to.connected_inputs[e.to_port] = true;
  }
}

Executor::Executor(const ResolvedGraph& graph) : impl_(std::make_unique<Impl>(graph, cancel_flag_)) {
  impl_->build();
}

Executor::~Executor() = default;

RunResult Executor::run() {
  Impl& m = *impl_;
  if (m.ran) throw std::logic_error("Executor::run() called twice");
  m.ran = true;
  m.start = Clock::now();
  NoEmitter no_emit;

  for (size_t i : m.graph.topo_order) {
    NodeState& s = *m.states[i];
    Context ctx(s.spec->name, *s.contract, s.spec->params, &cancel_flag_);
    ctx.bind(&no_emit);
    ctx.set_expected_sink(&s.counters.expected);
    ctx.set_error_sink(&s.counters.errors);
    ctx.set_resuming(m.graph.settings.resume);
    ctx.set_side_values(&m.side_values, &s.spec->side_sources);
    // A side value that is a parameter's is known before open: published here.
    for (const Publishes& p : s.contract->publishes)
      if (!p.value_param.empty() && (p.when.empty() || std::get<bool>(s.spec->params.raw(p.when))))
        m.side_values[s.spec->name][p.name] = std::get<int64_t>(s.spec->params.raw(p.value_param));
    ctx.set_checkpoints(m.graph.settings.checkpoints);
    ctx.set_connected_inputs(&s.connected_inputs);
    if (s.contract->shape() == Shape::kSource) ctx.set_numbering_sink(&s.numbering);
    try {
      s.op->open(ctx);
      s.opened = true;
    } catch (...) {
      m.fail(s, "open", nullptr, current_exception_text());
      break;
    }
  }

  if (!m.failed) {
    for (size_t i : m.graph.topo_order)
      if (m.states[i]->wake) m.states[i]->wake->try_put(flow::continue_msg());
    m.g.wait_for_all();
    if (!m.stopping()) {
      if (std::string stall = m.stall_explanation(); !stall.empty()) {
        std::lock_guard<std::mutex> lock(m.failure_mu);
        m.failures.push_back(RunFailure{"", "run", "", stall});
        m.failed.store(true);
      }
    }
  }

  // End of stream: each node, in topological order, may flush what it holds;
  // the graph drains after each so downstream sees it before its own finish.
  if (!m.stopping()) {
    for (size_t i : m.graph.topo_order) {
      NodeState& s = *m.states[i];
      DirectEmitter emitter(s);
      Context ctx(s.spec->name, *s.contract, s.spec->params, &cancel_flag_);
      ctx.bind(&emitter);
      ctx.set_error_sink(&s.counters.errors);
      try {
        s.op->finish(ctx);
      } catch (...) {
        m.fail(s, "finish", nullptr, current_exception_text());
      }
      m.g.wait_for_all();
      if (m.stopping()) break;
    }
  }
  m.release_held();  // what finish() flushed went out without tickets
  m.g.wait_for_all();

  RunResult result;
  result.status = m.failed ? RunStatus::kFailed : cancelled() ? RunStatus::kCancelled : RunStatus::kFinished;
  CloseReason reason = result.status == RunStatus::kFailed      ? CloseReason::kFailed
                       : result.status == RunStatus::kCancelled ? CloseReason::kCancelled
                                                                : CloseReason::kFinished;
  for (size_t i : m.graph.topo_order) {
    NodeState& s = *m.states[i];
    if (!s.opened) continue;
    try {
      s.op->close(reason);
    } catch (...) {
      m.fail(s, "close", nullptr, current_exception_text());
    }
  }
  if (m.failed) result.status = RunStatus::kFailed;
  result.failures = m.failures;
  result.metrics = metrics();
  return result;
}

std::string Executor::Impl::stall_explanation() const {
  std::string blocked, holders;
  for (size_t i : graph.topo_order) {
    const NodeState& s = *states[i];
    if (s.contract->shape() == Shape::kSource) {
      if (!s.ended || !s.pending.empty() || s.items_out_total() < s.emitted)
        blocked += std::string(blocked.empty() ? "" : ", ") + "'" + s.spec->name + "'";
    }
    if (!s.held.empty())
      holders += std::string(holders.empty() ? "" : ", ") + "'" + s.spec->name + "' holds " +
                 std::to_string(detail::items_of(s.held));
  }
  if (blocked.empty()) return "";
  std::string why = "the graph stalled: source " + blocked + " waits for items in flight to come back (max_in_flight " +
                    std::to_string(graph.settings.max_in_flight) + ")";
  if (holders.empty()) return why + ", but no node holds any";
  return why + " while nodes hold them waiting for more (" + holders +
         "); set [graph] max_in_flight above what those nodes hold before they emit (a batch holds its size)";
}

MetricsSnapshot Executor::metrics() const {
  const Impl& m = *impl_;
  MetricsSnapshot snap;
  snap.elapsed_seconds = std::chrono::duration<double>(Clock::now() - m.start).count();
  const double seconds_per_tick = m.busy_rate.seconds_per_tick();
  for (size_t i : m.graph.topo_order) {
    const NodeState& s = *m.states[i];
    const NodeCounters& c = s.counters;
    NodeMetrics n;
    n.name = s.spec->name;
    n.op = s.spec->op->name;
    n.shape = s.contract->shape();
    n.items_in = c.items_in.load(std::memory_order_relaxed);
    n.dropped = c.dropped.load(std::memory_order_relaxed);
    n.errors = c.errors.load(std::memory_order_relaxed);
    n.items_out = s.items_out_total();
    n.busy_seconds = static_cast<double>(c.busy_ticks.load(std::memory_order_relaxed)) * seconds_per_tick;
    int64_t delivered = 0;
    for (const auto& [up, port] : s.upstream) delivered += up->counters.items_out[port].load(std::memory_order_relaxed);
    if (n.shape != Shape::kSource) n.queue_depth = std::max<int64_t>(0, delivered - int64_t(n.items_in + n.dropped));
    n.in_flight = c.in_flight.load(std::memory_order_relaxed);
    n.in_flight_peak = c.in_flight_peak.load(std::memory_order_relaxed);
    n.expected = c.expected.load(std::memory_order_relaxed);
    std::shared_ptr<const Scalars> latest;
    {
      std::lock_guard<std::mutex> lock(s.latest_mu);
      latest = s.latest_scalars;
    }
    if (latest) {
      n.scalars_step = latest->step;
      n.scalars = latest->values;
    }
    snap.nodes.push_back(std::move(n));
  }
  return snap;
}

}  // namespace avflow
