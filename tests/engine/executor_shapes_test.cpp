// Every operator shape wired onto tbb::flow and run: functions (kOneToOne,
// also filtering), multi-output, multi-input joins, multi-output sources,
// fan-out, several items per call, and finish() flushing in topological order.
#include <algorithm>

#include <catch2/catch.hpp>
#include <thread>

#include "tests/support/test_operators.h"

using namespace avflow;
using namespace avflow::test;

namespace {

std::vector<int64_t> sorted(std::vector<int64_t> v) {
  std::sort(v.begin(), v.end());
  return v;
}

std::string node(const std::string& name, const std::string& op, const std::string& params = "") {
  return "[[node]]\nname = \"" + name + "\"\nop = \"" + op + "\"\n" + params + "\n";
}
std::string edge(const std::string& from, const std::string& to) {
  return "[[edge]]\nfrom = \"" + from + "\"\nto = \"" + to + "\"\n";
}

// Ports that belong to no operator.
const In<TestInt> kStrayIn{"other", ""};
const Out<TestInt> kStrayOut{"nope", ""};

RunResult run_ok(const std::string& toml) {
  reset_test_state();
  RunResult r = run_text(toml);
  INFO((r.failures.empty() ? std::string() : r.failures[0].str()));
  REQUIRE(r.status == RunStatus::kFinished);
  REQUIRE(r.failures.empty());
  return r;
}

}  // namespace

TEST_CASE("a kOneToOne function maps every item", "[executor][shapes]") {
  RunResult r = run_ok(node("src", "test_counter", "count = 5") + node("dbl", "test_double") +
                       node("out", "test_collect") + edge("src", "dbl") + edge("dbl", "out"));
  CHECK(sorted(Recorder::values("out")) == std::vector<int64_t>{0, 2, 4, 6, 8});
  CHECK(r.metrics.find("dbl")->shape == Shape::kFunction);
  CHECK(r.metrics.find("dbl")->items_in == 5);
  CHECK(r.metrics.find("dbl")->items_out == 5);
}

TEST_CASE("a kOneToOne function may filter items out", "[executor][shapes]") {
  RunResult r = run_ok(node("src", "test_counter", "count = 6") + node("dbl", "test_double", "skip_odd = true") +
                       node("out", "test_collect") + edge("src", "dbl") + edge("dbl", "out"));
  CHECK(sorted(Recorder::values("out")) == std::vector<int64_t>{0, 4, 8});
  CHECK(r.metrics.find("dbl")->items_in == 6);
  CHECK(r.metrics.find("dbl")->items_out == 3);
  CHECK(r.metrics.find("out")->items_in == 3);
  // Filtered items still return their tickets.
  CHECK(r.metrics.find("src")->in_flight == 0);
}

TEST_CASE("a kOneToOne function emitting twice fails the run, naming the node", "[executor][shapes]") {
  reset_test_state();
  RunResult r = run_text(node("src", "test_counter", "count = 3") + node("twice", "test_double", "twice = true") +
                         node("out", "test_collect") + edge("src", "twice") + edge("twice", "out"));
  REQUIRE(r.status == RunStatus::kFailed);
  REQUIRE(r.failures.size() == 1);
  CHECK(r.failures[0].node == "twice");
  CHECK(r.failures[0].phase == "process");
  CHECK(r.failures[0].message == "a kOneToOne operator emitted a second item for one input");
  CHECK(r.failures[0].item.find("item 0 of source 'src'") == 0);
  CHECK(r.failures[0].str().find("node 'twice' failed in process on item 0 of source 'src'") == 0);
}

TEST_CASE("a multi operator may emit several items per input", "[executor][shapes]") {
  RunResult r = run_ok(node("src", "test_counter", "count = 4") + node("fan", "test_fanout", "times = 3") +
                       node("out", "test_collect") + edge("src", "fan") + edge("fan", "out"));
  CHECK(sorted(Recorder::values("out")) == std::vector<int64_t>{0, 0, 0, 1, 1, 1, 2, 2, 2, 3, 3, 3});
  CHECK(r.metrics.find("fan")->shape == Shape::kMulti);
  CHECK(r.metrics.find("fan")->items_out == 12);
  CHECK(r.metrics.find("src")->in_flight == 0);
}

TEST_CASE("a multi-output operator routes to each port", "[executor][shapes]") {
  RunResult r = run_ok(node("src", "test_counter", "count = 7") + node("split", "test_split") +
                       node("evens", "test_collect") + node("odds", "test_collect") + edge("src", "split") +
                       edge("split.even", "evens") + edge("split.odd", "odds"));
  CHECK(Recorder::values("evens") == std::vector<int64_t>{0, 2, 4, 6});
  CHECK(Recorder::values("odds") == std::vector<int64_t>{1, 3, 5});
  CHECK(r.metrics.find("split")->items_out == 7);
}

TEST_CASE("an unconnected output port discards its items", "[executor][shapes]") {
  RunResult r = run_ok(node("src", "test_counter", "count = 7") + node("split", "test_split") +
                       node("evens", "test_collect") + edge("src", "split") + edge("split.even", "evens"));
  CHECK(Recorder::values("evens") == std::vector<int64_t>{0, 2, 4, 6});
  CHECK(r.metrics.find("src")->in_flight == 0);
}

TEST_CASE("a multi-input operator receives from both inputs and knows which", "[executor][shapes]") {
  RunResult r = run_ok(node("a", "test_counter", "count = 3") + node("b", "test_counter", "count = 2") +
                       node("join", "test_join") + node("out", "test_collect") + edge("a", "join.a") +
                       edge("b", "join.b") + edge("join", "out"));
  CHECK(sorted(Recorder::values("out")) == std::vector<int64_t>{0, 1, 2, 1000, 1001});
  CHECK(r.metrics.find("join")->items_in == 5);
  CHECK(r.metrics.find("a")->in_flight == 0);
  CHECK(r.metrics.find("b")->in_flight == 0);
}

TEST_CASE("a multi-output source routes by the port it emitted on", "[executor][shapes]") {
  RunResult r = run_ok(node("src", "test_two_out_source", "count = 9") + node("evens", "test_collect") +
                       node("odds", "test_collect") + edge("src.evens", "evens") + edge("src.odds", "odds"));
  CHECK(Recorder::values("evens") == std::vector<int64_t>{0, 2, 4, 6, 8});
  CHECK(Recorder::values("odds") == std::vector<int64_t>{1, 3, 5, 7});
  CHECK(r.metrics.find("src")->items_out == 9);
  CHECK(r.metrics.find("src")->in_flight == 0);
}

TEST_CASE("a source may emit several items per process() call", "[executor][shapes]") {
  RunResult r = run_ok("[graph]\nmax_in_flight = 2\n" + node("src", "test_counter", "count = 10\nper_call = 4") +
                       node("out", "test_collect") + edge("src", "out"));
  CHECK(Recorder::values("out") == std::vector<int64_t>{0, 1, 2, 3, 4, 5, 6, 7, 8, 9});
  CHECK(r.metrics.find("src")->items_out == 10);
}

TEST_CASE("fan-out delivers every item to every consumer", "[executor][shapes]") {
  run_ok(node("src", "test_counter", "count = 50") + node("a", "test_collect") + node("b", "test_double") +
         node("c", "test_collect") + edge("src", "a") + edge("src", "b") + edge("b", "c"));
  CHECK(Recorder::values("a").size() == 50);
  CHECK(Recorder::values("c").size() == 50);
  CHECK(sorted(Recorder::values("c")).back() == 98);
}

TEST_CASE("finish() flushes held items, and downstream sees them before its own finish", "[executor][shapes]") {
  // b1 sums groups of 4: 6, 22 while streaming, 17 (8 + 9) from finish().
  // b2 sums pairs of those: 28 while streaming, then 17 from its own finish(),
  // which must run only after b1's flush has reached it.
  RunResult r = run_ok(node("src", "test_counter", "count = 10") + node("b1", "test_batch_sum", "size = 4") +
                       node("b2", "test_batch_sum", "size = 2") + node("mid", "test_collect") +
                       node("out", "test_collect") + edge("src", "b1") + edge("b1", "b2") + edge("b1", "mid") +
                       edge("b2", "out"));
  CHECK(Recorder::values("mid") == std::vector<int64_t>{6, 22, 17});
  CHECK(Recorder::values("out") == std::vector<int64_t>{28, 17});
  CHECK(r.metrics.find("b1")->items_out == 3);
  CHECK(r.metrics.find("b2")->items_out == 2);
}

TEST_CASE("an empty stream still finishes and closes every node", "[executor][shapes]") {
  RunResult r = run_ok(node("src", "test_counter", "count = 0") + node("sum", "test_batch_sum") +
                       node("out", "test_collect") + edge("src", "sum") + edge("sum", "out"));
  CHECK(Recorder::values("out").empty());
  CHECK(r.metrics.find("src")->items_out == 0);
  for (const char* n : {"src", "sum", "out"}) {
    CHECK(Lifecycle::open_count(n) == 1);
    CHECK(Lifecycle::close_count(n) == 1);
    CHECK(Lifecycle::close_reason(n) == CloseReason::kFinished);
  }
}

TEST_CASE("run() may be called once only", "[executor]") {
  reset_test_state();
  ResolvedGraph g = load_text(node("src", "test_counter", "count = 1") + node("out", "test_collect") + edge("src", "out"));
  Executor ex(g);
  CHECK(ex.run().status == RunStatus::kFinished);
  CHECK_THROWS_WITH(ex.run(), "Executor::run() called twice");
}

TEST_CASE("contexts refuse misuse of ports", "[executor][context]") {
  Contract c = Registry::global().find("test_join")->contract;
  ParamSet ps;
  std::string name = "j";
  Context ctx(name, c, ps, nullptr);
  CHECK_FALSE(ctx.cancelled());
  Packet p = Packet::make(TestInt{1});
  ctx.set_input(0, &p, 7);
  CHECK(ctx.item() == 7);
  CHECK(ctx.input_index() == 0);
  // Reading another input than the one the packet arrived on.
  CHECK_THROWS_WITH(ctx.input(kStrayIn), "input 'other' read, but the item arrived on 'a'");
  // Emitting on a port that is not in the contract.
  CHECK_THROWS_WITH(ctx.emit(kStrayOut, TestInt{1}),
                    "emit on port 'nope', which is not in the contract of node 'j'");
}

TEST_CASE("a kParallel operator gets concurrent calls and loses no counts", "[executor][shapes][parallel]") {
  if (std::thread::hardware_concurrency() < 2) {
    WARN("one hardware thread: no concurrency to observe");
    return;
  }
  RunResult r = run_ok("[graph]\nmax_in_flight = 16\n" + node("src", "test_counter", "count = 2000") +
                       node("par", "test_parallel_double", "meet = 2") + node("out", "test_collect") +
                       edge("src", "par") + edge("par", "out"));
  CHECK(parallel_max_active() >= 2);
  std::vector<int64_t> want(2000);
  for (int64_t i = 0; i < 2000; ++i) want[i] = 2 * i;
  CHECK(sorted(Recorder::values("out")) == want);
  CHECK(r.metrics.find("par")->items_in == 2000);
  CHECK(r.metrics.find("par")->items_out == 2000);
}

TEST_CASE("items leave a source in order and multi operators keep it", "[executor][shapes][order]") {
  // Enough items, with room in flight, that a reordering hop would show.
  SECTION("straight from a source") {
    run_ok("[graph]\nmax_in_flight = 8\n" + node("src", "test_counter", "count = 5000") + node("out", "test_collect") +
           edge("src", "out"));
    auto got = Recorder::values("out");
    REQUIRE(got.size() == 5000);
    CHECK(std::is_sorted(got.begin(), got.end()));
  }
  SECTION("from a multi-output source") {
    run_ok("[graph]\nmax_in_flight = 8\n" + node("src", "test_two_out_source", "count = 10000") +
           node("evens", "test_collect") + node("odds", "test_collect") + edge("src.evens", "evens") +
           edge("src.odds", "odds"));
    auto evens = Recorder::values("evens");
    auto odds = Recorder::values("odds");
    REQUIRE(evens.size() == 5000);
    REQUIRE(odds.size() == 5000);
    CHECK(std::is_sorted(evens.begin(), evens.end()));
    CHECK(std::is_sorted(odds.begin(), odds.end()));
  }
  SECTION("through multi operators") {
    run_ok("[graph]\nmax_in_flight = 8\n" + node("src", "test_counter", "count = 5000") + node("split", "test_split") +
           node("fan", "test_fanout", "times = 1") + node("out", "test_collect") + edge("src", "split") +
           edge("split.even", "fan") + edge("fan", "out"));
    auto got = Recorder::values("out");
    REQUIRE(got.size() == 2500);
    CHECK(std::is_sorted(got.begin(), got.end()));
  }
  SECTION("through a chain of serial kOneToOne functions") {
    // tbb's serial function_node lets a later result overtake an earlier one;
    // serial functions must not, or batches would differ from run to run.
    for (int run = 0; run < 5; ++run) {
      run_ok("[graph]\nmax_in_flight = 32\n" + node("src", "test_counter", "count = 5000") + node("a", "test_double") +
             node("b", "test_double") + node("c", "test_double") + node("out", "test_collect") + edge("src", "a") +
             edge("a", "b") + edge("b", "c") + edge("c", "out"));
      auto got = Recorder::values("out");
      REQUIRE(got.size() == 5000);
      CHECK(std::is_sorted(got.begin(), got.end()));
    }
  }
}
