// Test operators. Usage in graphs (each registered as shown):
//
//   op = "test_counter"        source: TestInt 0..count-1 on "out"
//                                count (-1: endless), per_call (items per
//                                process() call), throw_at (item that throws)
//   op = "test_two_out_source" source: even numbers on "evens", odd on "odds"
//   op = "test_tracked_source" source: Tracked 0..count-1 on "out"
//   op = "test_text_source"    source: TestText on "out"
//   op = "test_double"         kOneToOne function: v -> 2v; skip_odd filters
//                                odd inputs out; twice emits two outputs
//                                (an error for a kOneToOne operator)
//   op = "test_parallel_double" kParallel test_double whose first calls wait
//                                until `meet` of them run at once; jitter_us
//                                sleeps longer for some inputs than others
//   op = "test_parallel_split" kParallel multi: evens to "even", odds to "odd",
//                                multiples of 3 again (negated) to "odd"
//   op = "test_checked_pair"   function pass-through; lo <= hi and `thing`
//                                (a test_thing extension) checked together
//   op = "test_fanout"         multi: every input emitted `times` times
//   op = "test_split"          multi: "even" and "odd" outputs
//   op = "test_join"           multi: inputs "a" (v) and "b" (v + 1000) -> "out"
//   op = "test_batch_sum"      multi: sum of every `size` inputs; the partial
//                                sum is flushed by finish()
//   op = "test_throw"          function: throws in `phase` (open, process on
//                                item `on_item`, finish, close); `kind` std or
//                                int (a non-std exception)
//   op = "test_close_probe"    function pass-through that logs open/close;
//                                fail_open throws from open()
//   op = "test_params"         function with one parameter of every kind
//   op = "test_collect"        sink: records the values it receives
//   op = "test_slow_sink"      sink: records values; waits delay_us and/or
//                                on the gate named by `gate` per item
//   op = "test_slow_drop_sink" the same, kDropOnCancel
//   op = "test_tracked_sink"   sink of Tracked: delay_us per item; on the
//                                first item waits until `wait_live` instances
//                                of Tracked exist (so the limit is reached)
//   op = "test_any_sink"       sink with an `any` input
//   op = "test_hold"           multi: keeps `size` packets, then passes them
//                                on (a batcher holding packets); any type
//   op = "test_optional_sink"  sink whose only input is optional
#include "tests/support/test_operators.h"

#include <stdexcept>
#include <thread>

#include "engine/graph_loader.h"
#include "engine/operator.h"
#include "engine/plugin_loader.h"
#include "engine/registry.h"

// --- payloads -------------------------------------------------------------------

std::string describe(const TestInt& x) { return "v=" + std::to_string(x.v); }

namespace {
std::atomic<int64_t> g_tracked_live{0};
std::atomic<int64_t> g_tracked_peak{0};
}  // namespace

Tracked::Tracked(int64_t value) : v(value) { acquire(); }
Tracked::Tracked(const Tracked& o) : v(o.v) { acquire(); }
Tracked::Tracked(Tracked&& o) noexcept : v(o.v), counted_(o.counted_) { o.counted_ = false; }
Tracked& Tracked::operator=(const Tracked& o) {
  v = o.v;
  if (!counted_) acquire();
  return *this;
}
Tracked& Tracked::operator=(Tracked&& o) noexcept {
  v = o.v;
  if (counted_ && o.counted_) release();
  counted_ = counted_ || o.counted_;
  o.counted_ = false;
  return *this;
}
Tracked::~Tracked() {
  if (counted_) release();
}
void Tracked::acquire() {
  counted_ = true;
  int64_t now = g_tracked_live.fetch_add(1) + 1;
  int64_t peak = g_tracked_peak.load();
  while (now > peak && !g_tracked_peak.compare_exchange_weak(peak, now)) {
  }
}
void Tracked::release() {
  counted_ = false;
  g_tracked_live.fetch_sub(1);
}
int64_t Tracked::live() { return g_tracked_live.load(); }
int64_t Tracked::peak() { return g_tracked_peak.load(); }
void Tracked::reset_peak() { g_tracked_peak.store(g_tracked_live.load()); }

namespace avflow::test {

// --- logs -----------------------------------------------------------------------

namespace {

struct Logs {
  std::mutex mu;
  std::condition_variable cv;
  std::vector<LifecycleEvent> lifecycle;
  std::map<std::string, std::vector<int64_t>> values;
  std::map<std::string, int64_t> entered;
  std::map<std::string, bool> gates;
};

Logs& logs() {
  static Logs l;
  return l;
}

}  // namespace

void Lifecycle::clear() {
  std::lock_guard<std::mutex> lock(logs().mu);
  logs().lifecycle.clear();
}
void Lifecycle::record_open(const std::string& node) {
  std::lock_guard<std::mutex> lock(logs().mu);
  logs().lifecycle.push_back({node, true, CloseReason::kFinished});
}
void Lifecycle::record_close(const std::string& node, CloseReason reason) {
  std::lock_guard<std::mutex> lock(logs().mu);
  logs().lifecycle.push_back({node, false, reason});
}
std::vector<LifecycleEvent> Lifecycle::events() {
  std::lock_guard<std::mutex> lock(logs().mu);
  return logs().lifecycle;
}
std::vector<std::string> Lifecycle::opened() {
  std::vector<std::string> out;
  for (const auto& e : events())
    if (e.is_open) out.push_back(e.node);
  return out;
}
int Lifecycle::open_count(const std::string& node) {
  int n = 0;
  for (const auto& e : events()) n += e.is_open && e.node == node;
  return n;
}
int Lifecycle::close_count(const std::string& node) {
  int n = 0;
  for (const auto& e : events()) n += !e.is_open && e.node == node;
  return n;
}
std::optional<CloseReason> Lifecycle::close_reason(const std::string& node) {
  std::optional<CloseReason> r;
  for (const auto& e : events())
    if (!e.is_open && e.node == node) r = e.reason;
  return r;
}

void Recorder::clear() {
  std::lock_guard<std::mutex> lock(logs().mu);
  logs().values.clear();
  logs().entered.clear();
}
void Recorder::entered(const std::string& node) {
  {
    std::lock_guard<std::mutex> lock(logs().mu);
    ++logs().entered[node];
  }
  logs().cv.notify_all();
}
void Recorder::add(const std::string& node, int64_t value) {
  std::lock_guard<std::mutex> lock(logs().mu);
  logs().values[node].push_back(value);
}
std::vector<int64_t> Recorder::values(const std::string& node) {
  std::lock_guard<std::mutex> lock(logs().mu);
  auto it = logs().values.find(node);
  return it == logs().values.end() ? std::vector<int64_t>{} : it->second;
}
int64_t Recorder::entered_count(const std::string& node) {
  std::lock_guard<std::mutex> lock(logs().mu);
  auto it = logs().entered.find(node);
  return it == logs().entered.end() ? 0 : it->second;
}
bool Recorder::wait_entered(const std::string& node, int64_t n, std::chrono::milliseconds timeout) {
  std::unique_lock<std::mutex> lock(logs().mu);
  return logs().cv.wait_for(lock, timeout, [&] { return logs().entered[node] >= n; });
}

void Gate::open(const std::string& name) {
  {
    std::lock_guard<std::mutex> lock(logs().mu);
    logs().gates[name] = true;
  }
  logs().cv.notify_all();
}
void Gate::close_all() {
  std::lock_guard<std::mutex> lock(logs().mu);
  logs().gates.clear();
}
void Gate::wait(const std::string& name, std::chrono::milliseconds timeout) {
  std::unique_lock<std::mutex> lock(logs().mu);
  logs().cv.wait_for(lock, timeout, [&] { return logs().gates[name]; });
}

namespace {
std::atomic<int64_t> g_parallel_active{0};
std::atomic<int64_t> g_parallel_max{0};
std::atomic<int64_t> g_parallel_met{0};
}  // namespace

int64_t parallel_max_active() { return g_parallel_max.load(); }

void reset_test_state() {
  g_parallel_active = 0;
  g_parallel_max = 0;
  g_parallel_met = 0;
  Lifecycle::clear();
  Recorder::clear();
  Gate::close_all();
  Tracked::reset_peak();
}

// --- operators ------------------------------------------------------------------------

namespace {

// Logs open (after on_open succeeded) and close of every test operator.
class TestOp : public Operator {
 public:
  void open(Context& ctx) final {
    node_ = ctx.node();
    on_open(ctx);
    Lifecycle::record_open(node_);
  }
  void close(CloseReason reason) final {
    Lifecycle::record_close(node_, reason);
    on_close(reason);
  }

 protected:
  virtual void on_open(Context&) {}
  virtual void on_close(CloseReason) {}
  std::string node_;
};

class TestCounter final : public TestOp {
 public:
  static inline const Out<TestInt> kOut{"out", "0, 1, 2, ..."};
  static inline const Param<int64_t> kCount{"count", 10, Range::at_least(-1), "items to emit; -1: endless"};
  static inline const Param<int64_t> kPerCall{"per_call", 1, Range{1, 100}, "items emitted per process() call"};
  static inline const Param<int64_t> kThrowAt{"throw_at", -1, "item whose production throws; -1: none"};
  AVFLOW_CONTRACT(kOut, kCount, kPerCall, kThrowAt);

  void on_open(Context& ctx) override {
    count_ = ctx.param(kCount);
    if (count_ >= 0) ctx.expect_items(static_cast<uint64_t>(count_));
  }
  void process(Context& ctx) override {
    for (int64_t i = 0; i < ctx.param(kPerCall); ++i) {
      if (count_ >= 0 && next_ >= count_) break;
      if (next_ == ctx.param(kThrowAt)) throw std::runtime_error("test_counter: failed to make item " + std::to_string(next_));
      ctx.emit(kOut, TestInt{next_++});
    }
    if (count_ >= 0 && next_ >= count_) ctx.end_of_stream();
  }

 private:
  int64_t count_ = 0;
  int64_t next_ = 0;
};

class TestTwoOutSource final : public TestOp {
 public:
  static inline const Out<TestInt> kEvens{"evens", "even numbers"};
  static inline const Out<TestInt> kOdds{"odds", "odd numbers"};
  static inline const Param<int64_t> kCount{"count", 10, Range{0, 1e9}, "numbers to emit, split by parity"};
  AVFLOW_CONTRACT(kEvens, kOdds, kCount);

  void process(Context& ctx) override {
    if (next_ >= ctx.param(kCount)) {
      ctx.end_of_stream();
      return;
    }
    int64_t v = next_++;
    if (v % 2 == 0) ctx.emit(kEvens, TestInt{v});
    else ctx.emit(kOdds, TestInt{v});
  }

 private:
  int64_t next_ = 0;
};

class TestTrackedSource final : public TestOp {
 public:
  static inline const Out<Tracked> kOut{"out", "counted values"};
  static inline const Param<int64_t> kCount{"count", 10, Range{0, 1e9}, "items to emit"};
  AVFLOW_CONTRACT(kOut, kCount);

  void process(Context& ctx) override {
    if (next_ >= ctx.param(kCount)) {
      ctx.end_of_stream();
      return;
    }
    ctx.emit(kOut, Tracked(next_++));
  }

 private:
  int64_t next_ = 0;
};

class TestTextSource final : public TestOp {
 public:
  static inline const Out<TestText> kOut{"out", "text"};
  static inline const Param<int64_t> kCount{"count", 1, Range{0, 1000}, "items to emit"};
  AVFLOW_CONTRACT(kOut, kCount);

  void process(Context& ctx) override {
    if (next_ >= ctx.param(kCount)) {
      ctx.end_of_stream();
      return;
    }
    ctx.emit(kOut, TestText{"t" + std::to_string(next_++)});
  }

 private:
  int64_t next_ = 0;
};

class TestDouble final : public TestOp {
 public:
  static inline const In<TestInt> kIn{"in", "a number"};
  static inline const Out<TestInt> kOut{"out", "twice the number"};
  static inline const Param<bool> kSkipOdd{"skip_odd", false, "emit nothing for odd inputs"};
  static inline const Param<bool> kTwice{"twice", false, "emit two outputs per input (a contract violation)"};
  AVFLOW_CONTRACT(kIn, kOut, kSkipOdd, kTwice, kOneToOne);

  void process(Context& ctx) override {
    int64_t v = ctx.input(kIn).v;
    if (ctx.param(kSkipOdd) && v % 2 != 0) return;
    ctx.emit(kOut, TestInt{2 * v});
    if (ctx.param(kTwice)) ctx.emit(kOut, TestInt{2 * v});
  }
};

// A kParallel function: the first calls wait (up to 5 s) until `meet` calls
// are active at once, so that concurrency is certain, not a matter of luck.
class TestParallelDouble final : public TestOp {
 public:
  static inline const In<TestInt> kIn{"in", "a number"};
  static inline const Out<TestInt> kOut{"out", "twice the number"};
  static inline const Param<int64_t> kMeet{"meet", 2, Range{1, 64}, "calls that must overlap at the start"};
  static inline const Param<int64_t> kJitterUs{"jitter_us", 0, Range{0, 100000},
                                               "up to this many microseconds of sleep, varying with the input"};
  static inline const Param<bool> kSkipOdd{"skip_odd", false, "filter odd inputs out"};
  AVFLOW_CONTRACT(kIn, kOut, kMeet, kJitterUs, kSkipOdd, kOneToOne, kParallel);

  void process(Context& ctx) override {
    int64_t now = ++g_parallel_active;
    int64_t max = g_parallel_max.load();
    while (now > max && !g_parallel_max.compare_exchange_weak(max, now)) {
    }
    if (g_parallel_met.load() == 0) {
      int64_t want = ctx.param(kMeet);
      wait_until([&] { return g_parallel_active.load() >= want || g_parallel_met.load() != 0; },
                 std::chrono::seconds(5));
      g_parallel_met = 1;  // met or timed out: later calls do not wait
    }
    const int64_t v = ctx.input(kIn).v;
    if (int64_t jitter = ctx.param(kJitterUs))  // later inputs often finish first
      std::this_thread::sleep_for(std::chrono::microseconds((v * 7919 % 13) * jitter / 13));
    if (!(ctx.param(kSkipOdd) && v % 2 != 0)) ctx.emit(kOut, TestInt{2 * v});
    --g_parallel_active;
  }
};

// test_split as a kParallel operator, with the same input-dependent sleep.
class TestParallelSplit final : public TestOp {
 public:
  static inline const In<TestInt> kIn{"in", "a number"};
  static inline const Out<TestInt> kEven{"even", "even inputs"};
  static inline const Out<TestInt> kOdd{"odd", "odd inputs, and every multiple of 3 a second time"};
  static inline const Param<int64_t> kJitterUs{"jitter_us", 0, Range{0, 100000}, "up to this many microseconds of sleep"};
  AVFLOW_CONTRACT(kIn, kEven, kOdd, kJitterUs, kParallel);

  void process(Context& ctx) override {
    const int64_t v = ctx.input(kIn).v;
    std::this_thread::sleep_for(std::chrono::microseconds((v * 7919 % 13) * ctx.param(kJitterUs) / 13));
    if (v % 2 == 0) ctx.emit(kEven, TestInt{v});
    else ctx.emit(kOdd, TestInt{v});
    if (v % 3 == 0) ctx.emit(kOdd, TestInt{-v});
  }
};

// A function whose parameters are checked together: lo <= hi, and `thing`
// names an extension of kind "test_thing".
class TestCheckedPair final : public TestOp {
 public:
  static inline const In<TestInt> kIn{"in", "a number"};
  static inline const Out<TestInt> kOut{"out", "the number"};
  static inline const Param<int64_t> kLo{"lo", 0, "lower bound"};
  static inline const Param<int64_t> kHi{"hi", 10, "upper bound, at least lo"};
  static inline const Param<std::string> kThing{"thing", "", "a test_thing extension; empty: none"};
  static std::vector<ParamProblem> check(const ParamSet& p, const Registry& registry) {
    std::vector<ParamProblem> out;
    if (p.get(kLo) > p.get(kHi))
      out.push_back({"hi", "(" + std::to_string(p.get(kHi)) + ") is below lo (" + std::to_string(p.get(kLo)) + ")"});
    if (!p.get(kThing).empty() && !registry.find_extension("test_thing", p.get(kThing)))
      out.push_back({"thing", "names no registered test_thing"});
    return out;
  }
  AVFLOW_CONTRACT(kIn, kOut, kLo, kHi, kThing, kOneToOne, ParamsCheck{&TestCheckedPair::check});

  void process(Context& ctx) override { ctx.emit_packet(kOut, ctx.input_packet(kIn)); }
};

class TestFanout final : public TestOp {
 public:
  static inline const In<TestInt> kIn{"in", "a number"};
  static inline const Out<TestInt> kOut{"out", "the number, `times` times"};
  static inline const Param<int64_t> kTimes{"times", 2, Range{0, 100}, "copies per input"};
  AVFLOW_CONTRACT(kIn, kOut, kTimes);

  void process(Context& ctx) override {
    for (int64_t i = 0; i < ctx.param(kTimes); ++i) ctx.emit_packet(kOut, ctx.input_packet(kIn));
  }
};

class TestSplit final : public TestOp {
 public:
  static inline const In<TestInt> kIn{"in", "a number"};
  static inline const Out<TestInt> kEven{"even", "even inputs"};
  static inline const Out<TestInt> kOdd{"odd", "odd inputs"};
  AVFLOW_CONTRACT(kIn, kEven, kOdd);

  void process(Context& ctx) override {
    const TestInt& x = ctx.input(kIn);
    if (x.v % 2 == 0) ctx.emit(kEven, x);
    else ctx.emit(kOdd, x);
  }
};

class TestJoin final : public TestOp {
 public:
  static inline const In<TestInt> kA{"a", "passed as is"};
  static inline const In<TestInt> kB{"b", "passed plus 1000"};
  static inline const Out<TestInt> kOut{"out", "every input"};
  AVFLOW_CONTRACT(kA, kB, kOut);

  void process(Context& ctx) override {
    if (ctx.has(kA)) ctx.emit(kOut, TestInt{ctx.input(kA).v});
    else if (ctx.has(kB)) ctx.emit(kOut, TestInt{ctx.input(kB).v + 1000});
    else throw std::logic_error("test_join: an item on neither input");
  }
};

class TestBatchSum final : public TestOp {
 public:
  static inline const In<TestInt> kIn{"in", "numbers"};
  static inline const Out<TestInt> kOut{"out", "sums of `size` numbers"};
  static inline const Param<int64_t> kSize{"size", 4, Range{1, 1e9}, "numbers per sum"};
  AVFLOW_CONTRACT(kIn, kOut, kSize);

  void process(Context& ctx) override {
    sum_ += ctx.input(kIn).v;
    if (++n_ == ctx.param(kSize)) flush(ctx);
  }
  void finish(Context& ctx) override {
    if (n_ > 0) flush(ctx);
  }

 private:
  void flush(Context& ctx) {
    ctx.emit(kOut, TestInt{sum_});
    sum_ = 0;
    n_ = 0;
  }
  int64_t sum_ = 0;
  int64_t n_ = 0;
};

[[noreturn]] void throw_test(const std::string& kind, const std::string& what) {
  if (kind == "int") throw 42;
  throw std::runtime_error(what);
}

class TestThrow final : public TestOp {
 public:
  static inline const In<TestInt> kIn{"in", "a number"};
  static inline const Out<TestInt> kOut{"out", "the number"};
  static inline const Param<std::string> kPhase{"phase", "process", Choices{"open", "process", "finish", "close"},
                                                "where to throw"};
  static inline const Param<int64_t> kOnItem{"on_item", 0, Range::at_least(0), "value whose process() throws"};
  static inline const Param<std::string> kKind{"kind", "std", Choices{"std", "int"},
                                               "std::runtime_error or a plain int"};
  AVFLOW_CONTRACT(kIn, kOut, kPhase, kOnItem, kKind, kOneToOne);

  void on_open(Context& ctx) override {
    phase_ = ctx.param(kPhase);
    kind_ = ctx.param(kKind);
    if (phase_ == "open") throw_test(kind_, "test_throw: boom in open");
  }
  void process(Context& ctx) override {
    int64_t v = ctx.input(kIn).v;
    if (phase_ == "process" && v == ctx.param(kOnItem)) throw_test(kind_, "test_throw: boom on " + std::to_string(v));
    ctx.emit(kOut, TestInt{v});
  }
  void finish(Context&) override {
    if (phase_ == "finish") throw_test(kind_, "test_throw: boom in finish");
  }
  void on_close(CloseReason) override {
    if (phase_ == "close") throw_test(kind_, "test_throw: boom in close");
  }

 private:
  std::string phase_, kind_;
};

class TestCloseProbe final : public TestOp {
 public:
  static inline const In<TestInt> kIn{"in", "a number"};
  static inline const Out<TestInt> kOut{"out", "the same number"};
  static inline const Param<bool> kFailOpen{"fail_open", false, "throw from open()"};
  AVFLOW_CONTRACT(kIn, kOut, kFailOpen, kOneToOne);

  void on_open(Context& ctx) override {
    if (ctx.param(kFailOpen)) throw std::runtime_error("test_close_probe: refusing to open");
  }
  void process(Context& ctx) override { ctx.emit_packet(kOut, ctx.input_packet(kIn)); }
};

class TestParams final : public TestOp {
 public:
  static inline const In<TestInt> kIn{"in", "numbers in"};
  static inline const In<TestInt> kSide{"side", kOptional, "an optional second input"};
  static inline const Out<TestInt> kOut{"out", "numbers out"};
  static inline const Param<std::string> kLabel{"label", kRequired, "a label that must be given"};
  static inline const Param<int64_t> kSize{"size", 3, Range{1, 10}, "a bounded integer"};
  static inline const Param<double> kRate{"rate", 0.5, Range{0.0, 1.0}, "a probability"};
  static inline const Param<double> kGain{"gain", 1.0, Range::at_least(0.5), "at least a half"};
  static inline const Param<bool> kFlag{"flag", false, "a switch"};
  static inline const Param<std::string> kMode{"mode", "fast", Choices{"fast", "exact"}, "how to work"};
  static inline const Param<std::vector<int64_t>> kSizes{"sizes", std::vector<int64_t>{1, 2}, Range{0, 100},
                                                         "integers in [0, 100]"};
  static inline const Param<std::vector<double>> kWeights{"weights", std::vector<double>{}, "some floats"};
  static inline const Param<std::vector<std::string>> kTags{"tags", std::vector<std::string>{}, "some strings"};
  AVFLOW_CONTRACT(kIn, kSide, kOut, kLabel, kSize, kRate, kGain, kFlag, kMode, kSizes, kWeights, kTags);

  void process(Context& ctx) override { ctx.emit_packet(kOut, ctx.has(kIn) ? ctx.input_packet(kIn) : ctx.input_packet(kSide)); }
};

// Sinks that record values, with an optional per-item delay and gate.
class SlowSinkBase : public TestOp {
 public:
  static inline const In<TestInt> kIn{"in", "numbers"};
  static inline const Param<int64_t> kDelayUs{"delay_us", 0, Range{0, 10'000'000}, "sleep per item, microseconds"};
  static inline const Param<std::string> kGate{"gate", "", "wait on this named gate before each item"};

  void process(Context& ctx) override {
    Recorder::entered(ctx.node());
    if (!ctx.param(kGate).empty()) Gate::wait(ctx.param(kGate));
    if (int64_t us = ctx.param(kDelayUs)) std::this_thread::sleep_for(std::chrono::microseconds(us));
    Recorder::add(ctx.node(), ctx.input(kIn).v);
  }
};

class TestCollect final : public SlowSinkBase {
 public:
  AVFLOW_CONTRACT(kIn, kDelayUs, kGate);
};
class TestSlowSink final : public SlowSinkBase {
 public:
  AVFLOW_CONTRACT(kIn, kDelayUs, kGate);
};
class TestSlowDropSink final : public SlowSinkBase {
 public:
  AVFLOW_CONTRACT(kIn, kDelayUs, kGate, kDropOnCancel);
};

class TestTrackedSink final : public TestOp {
 public:
  static inline const In<Tracked> kIn{"in", "counted values"};
  static inline const Param<int64_t> kDelayUs{"delay_us", 0, Range{0, 1'000'000}, "busy wait per item, microseconds"};
  static inline const Param<int64_t> kWaitLive{"wait_live", 0, Range{0, 1'000'000},
                                               "on the first item, wait until this many Tracked exist"};
  AVFLOW_CONTRACT(kIn, kDelayUs, kWaitLive);

  void process(Context& ctx) override {
    if (first_) {
      first_ = false;
      int64_t want = ctx.param(kWaitLive);
      wait_until([&] { return Tracked::live() >= want; }, std::chrono::seconds(5));
    }
    if (int64_t us = ctx.param(kDelayUs)) {
      auto until = std::chrono::steady_clock::now() + std::chrono::microseconds(us);
      while (std::chrono::steady_clock::now() < until) {
      }
    }
    Recorder::entered(ctx.node());
    sum_ += ctx.input(kIn).v;
  }
  void on_close(CloseReason) override { Recorder::add(node_, sum_); }

 private:
  bool first_ = true;
  int64_t sum_ = 0;
};

class TestAnySink final : public TestOp {
 public:
  static inline const In<Any> kIn{"in", "anything"};
  AVFLOW_CONTRACT(kIn);

  void process(Context& ctx) override {
    Recorder::entered(ctx.node());
    const Packet& p = ctx.input_packet(kIn);
    if (p.holds<TestInt>()) Recorder::add(ctx.node(), p.get<TestInt>().v);
  }
};

// Keeps whole packets in its state and passes them on in groups, as a batcher
// does. test_hold does not declare kHoldsInputs: what it holds must not count
// against the source's limit. test_hold_in_flight declares it: what it holds
// stays in flight until it passes the group on.
class TestHoldBase : public TestOp {
 public:
  static inline const In<Any> kIn{"in", "anything"};
  static inline const Out<Any> kOut{"out", "the same packets, in groups"};
  static inline const Param<int64_t> kSize{"size", 10, Range{1, 100000}, "packets held before passing them on"};

  void process(Context& ctx) override {
    held_.push_back(ctx.input_packet(kIn));
    if (static_cast<int64_t>(held_.size()) == ctx.param(kSize)) flush(ctx);
  }
  void finish(Context& ctx) override { flush(ctx); }

 private:
  void flush(Context& ctx) {
    for (auto& p : held_) ctx.emit_packet(kOut, std::move(p));
    held_.clear();
  }
  std::vector<Packet> held_;
};

class TestHold final : public TestHoldBase {
 public:
  AVFLOW_CONTRACT(kIn, kOut, kSize);
};

class TestHoldInFlight final : public TestHoldBase {
 public:
  AVFLOW_CONTRACT(kIn, kOut, kSize, kHoldsInputs);
};

class TestOptionalSink final : public TestOp {
 public:
  static inline const In<TestInt> kIn{"in", kOptional, "numbers, if connected"};
  AVFLOW_CONTRACT(kIn);

  void process(Context& ctx) override { Recorder::add(ctx.node(), ctx.input(kIn).v); }
};

}  // namespace

AVFLOW_REGISTER(TestCounter, "test_counter", "emits 0..count-1 (test)");
AVFLOW_REGISTER(TestTwoOutSource, "test_two_out_source", "emits evens and odds on two ports (test)");
AVFLOW_REGISTER(TestTrackedSource, "test_tracked_source", "emits counted values (test)");
AVFLOW_REGISTER(TestTextSource, "test_text_source", "emits strings (test)");
AVFLOW_REGISTER(TestDouble, "test_double", "doubles a number (test)");
AVFLOW_REGISTER(TestParallelDouble, "test_parallel_double", "doubles numbers with concurrent calls (test)");
AVFLOW_REGISTER(TestFanout, "test_fanout", "repeats each input (test)");
AVFLOW_REGISTER(TestSplit, "test_split", "routes numbers by parity (test)");
AVFLOW_REGISTER(TestParallelSplit, "test_parallel_split", "routes numbers by parity, concurrently (test)");
AVFLOW_REGISTER(TestCheckedPair, "test_checked_pair", "parameters checked together (test)");
AVFLOW_REGISTER(TestJoin, "test_join", "merges two inputs (test)");
AVFLOW_REGISTER(TestBatchSum, "test_batch_sum", "sums groups of numbers, flushing in finish (test)");
AVFLOW_REGISTER(TestThrow, "test_throw", "throws where told (test)");
AVFLOW_REGISTER(TestCloseProbe, "test_close_probe", "logs open and close (test)");
AVFLOW_REGISTER(TestParams, "test_params", "declares one parameter of every kind (test)");
AVFLOW_REGISTER(TestCollect, "test_collect", "records the numbers it receives (test)");
AVFLOW_REGISTER(TestSlowSink, "test_slow_sink", "records numbers, slowly or behind a gate (test)");
AVFLOW_REGISTER(TestSlowDropSink, "test_slow_drop_sink", "test_slow_sink that drops queued items on cancel (test)");
AVFLOW_REGISTER(TestTrackedSink, "test_tracked_sink", "consumes counted values (test)");
AVFLOW_REGISTER(TestAnySink, "test_any_sink", "accepts any payload (test)");
AVFLOW_REGISTER(TestHoldInFlight, "test_hold_in_flight", "passes packets on in groups, holding them in flight (test)");
AVFLOW_REGISTER(TestHold, "test_hold", "holds packets and passes them on in groups (test)");
AVFLOW_REGISTER(TestOptionalSink, "test_optional_sink", "a sink whose input may stay unconnected (test)");

// --- running graphs ---------------------------------------------------------------------

ResolvedGraph load_text(const std::string& toml, const std::vector<std::string>& overrides) {
  PluginLoader plugins(Registry::global());
  return load_graph_text(toml, "test.toml", overrides, plugins, Registry::global());
}

std::vector<Diagnostic> load_errors(const std::string& toml, const std::vector<std::string>& overrides) {
  try {
    load_text(toml, overrides);
  } catch (const GraphError& e) {
    return e.diagnostics();
  }
  return {};
}

ResolvedGraph load_file(const std::string& path, const std::vector<std::string>& overrides) {
  PluginLoader plugins(Registry::global());
  return load_graph(path, overrides, plugins, Registry::global());
}

std::vector<Diagnostic> file_errors(const std::string& path, const std::vector<std::string>& overrides) {
  try {
    load_file(path, overrides);
  } catch (const GraphError& e) {
    return e.diagnostics();
  }
  return {};
}

RunResult run_text(const std::string& toml, const std::vector<std::string>& overrides) {
  ResolvedGraph g = load_text(toml, overrides);
  Executor ex(g);
  return ex.run();
}

bool wait_until(const std::function<bool()>& done, std::chrono::milliseconds timeout) {
  auto deadline = std::chrono::steady_clock::now() + timeout;
  while (!done()) {
    if (std::chrono::steady_clock::now() > deadline) return false;
    std::this_thread::sleep_for(std::chrono::milliseconds(1));
  }
  return true;
}

const Diagnostic* find_diagnostic(const std::vector<Diagnostic>& ds, const std::string& text) {
  for (const auto& d : ds)
    if (d.message.find(text) != std::string::npos) return &d;
  return nullptr;
}

std::string joined(const std::vector<Diagnostic>& ds) {
  std::string s;
  for (const auto& d : ds) s += (s.empty() ? "" : "\n") + d.str();
  return s;
}

}  // namespace avflow::test
