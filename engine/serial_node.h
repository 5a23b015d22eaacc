// SerialNode: a oneTBB flow node that runs a body on one message at a time,
// in arrival order, and passes each result on before it starts the next
// message. Internal to the executor.
//
// Why not a serial tbb::flow::function_node: when its body returns, the
// function_node first frees its serial slot and spawns the task of the next
// queued message, and only then puts the result. Another thread may take
// that task and put the next result first, so a serial chain does not keep
// its source's order with more than one thread. A multifunction_node that
// puts inside its body keeps the order, but every put then spawns the
// receiver's task instead of handing it back to the scheduler (task
// bypass), which costs about a third more per hop on a chain of trivial
// operators (bench/flow_overhead.cpp). This node does both: it puts, takes
// the next message, and returns the receiver's task for the calling thread
// to run next while the next message's task is spawned for another thread.
//
// It is written as oneTBB writes its own nodes (graph_node, receiver,
// sender, graph_task and broadcast_cache of tbb::detail::d1, oneTBB 2021).
#pragma once

#include <oneapi/tbb/flow_graph.h>
#include <oneapi/tbb/spin_mutex.h>

#include <deque>
#include <utility>

#include "engine/flow_message.h"

namespace avflow::detail {

// The lock the successor list takes on each put. Only one body of the node
// runs at a time, and edges are made before the graph runs, so the list is
// never read and written at once: no lock is needed.
struct UnlockedSuccessors {
  struct scoped_lock {
    scoped_lock() = default;
    scoped_lock(UnlockedSuccessors&, bool = true) {}
  };
};

// Body: Msg(Msg& input) noexcept; the result is put unless it is empty.
// The body may take what the input carries (its ticket).
template <class Body>
class SerialNode final : public tbb::detail::d1::graph_node,
                         public tbb::detail::d1::receiver<Msg>,
                         public tbb::detail::d1::sender<Msg> {
  using graph = tbb::detail::d1::graph;
  using graph_task = tbb::detail::d1::graph_task;
  using small_object_allocator = tbb::detail::d1::small_object_allocator;
  using execution_data = tbb::detail::d1::execution_data;
  using task = tbb::detail::d1::task;

 public:
  SerialNode(graph& g, Body body) : graph_node(g), body_(std::move(body)), successors_(this) {}
  ~SerialNode() override = default;

  bool register_successor(tbb::detail::d1::receiver<Msg>& r) override {
    successors_.register_successor(r);
    return true;
  }
  bool remove_successor(tbb::detail::d1::receiver<Msg>& r) override {
    successors_.remove_successor(r);
    return true;
  }

 protected:
  graph_task* try_put_task(const Msg& m) override {
    if (!tbb::detail::d1::is_graph_active(my_graph)) return nullptr;
    {
      tbb::spin_mutex::scoped_lock lock(mutex_);
      if (busy_) {
        waiting_.push_back(m);
        return tbb::detail::d1::SUCCESSFULLY_ENQUEUED;
      }
      busy_ = true;
    }
    return make_task(Msg(m));
  }
  graph& graph_reference() const override { return my_graph; }
  void reset_node(tbb::detail::d1::reset_flags f) override {
    drop_waiting();
    if (f & tbb::detail::d1::rf_clear_edges) successors_.clear();
  }

 private:
  class BodyTask final : public graph_task {
   public:
    BodyTask(graph& g, small_object_allocator& a, SerialNode& node, Msg&& input)
        : graph_task(g, a), node_(node), input_(std::move(input)) {}
    task* execute(execution_data& ed) override {
      graph_task* next = node_.run(input_);
      finalize<BodyTask>(ed);
      return next;
    }
    task* cancel(execution_data& ed) override {
      node_.drop_waiting();
      finalize<BodyTask>(ed);
      return nullptr;
    }

   private:
    SerialNode& node_;
    Msg input_;
  };

  graph_task* make_task(Msg&& m) {
    small_object_allocator allocator{};
    graph_task* t = allocator.new_object<BodyTask>(my_graph, allocator, *this, std::move(m));
    my_graph.reserve_wait();
    return t;
  }

  // Runs the body on `input`, puts its result, then starts the next waiting
  // message. Returns the task for this thread to run next.
  graph_task* run(Msg& input) {
    graph_task* downstream = nullptr;
    {
      Msg out = body_(input);
      if (out.packet) downstream = successors_.try_put_task(out);
    }
    if (downstream == tbb::detail::d1::SUCCESSFULLY_ENQUEUED) downstream = nullptr;
    Msg next_input;
    {
      tbb::spin_mutex::scoped_lock lock(mutex_);
      if (waiting_.empty()) {
        busy_ = false;
        return downstream;
      }
      next_input = std::move(waiting_.front());
      waiting_.pop_front();
    }
    graph_task* next = make_task(std::move(next_input));
    if (!downstream) return next;
    tbb::detail::d1::spawn_in_graph_arena(my_graph, *next);
    return downstream;
  }

  // The graph was cancelled or reset: what waits here is not processed.
  void drop_waiting() {
    std::deque<Msg> dropped;  // destroyed after the lock is released
    tbb::spin_mutex::scoped_lock lock(mutex_);
    dropped.swap(waiting_);
    busy_ = false;
  }

  Body body_;
  tbb::detail::d1::broadcast_cache<Msg, UnlockedSuccessors> successors_;
  tbb::spin_mutex mutex_;
  bool busy_ = false;           // a body task exists
  std::deque<Msg> waiting_;     // arrived while busy, in arrival order
};

}  // namespace avflow::detail
