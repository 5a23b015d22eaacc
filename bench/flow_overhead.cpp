// flow_overhead: what avflow's executor costs per item and per hop, against a
// hand-written oneTBB flow graph of the same shape measured in the same run.
//
//   bench_flow_overhead [items=200000] [repetitions=7] [max_in_flight=32] [threads=0] [only]
//
// Both graphs are  source -> 5 trivial serial functions -> serial sink,  with
// the same bound on the source's items in flight (raw: a limiter_node that
// the sink decrements; avflow: max_in_flight and its tickets), carrying the same
// payload (a shared, immutable int64: avflow's Packet::make allocates one per
// emit, so the raw graph allocates a std::shared_ptr<const int64_t> per hop
// too). Each function adds 1; the sink sums and the sum is checked. A "hop"
// is one edge an item crosses: 6 per item (source -> f1 ... f5 -> sink).
// Each repetition runs avflow then raw; the table shows medians. threads = 0
// leaves oneTBB's default (all cores). `only` = avflow or raw runs one side
// alone (for a profiler) and prints its time only.
#include <oneapi/tbb/flow_graph.h>
#include <oneapi/tbb/global_control.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <memory>
#include <stdexcept>
#include <string>
#include <vector>

#include "engine/executor.h"
#include "engine/graph_loader.h"
#include "engine/operator.h"
#include "engine/registry.h"

namespace bench {

struct Int {
  int64_t v = 0;
};

}  // namespace bench

AVFLOW_PAYLOAD(bench::Int, "bench_int", "an integer, for benchmarks")

namespace bench {

using avflow::Context;
constexpr int kFunctions = 5;
constexpr int kHops = kFunctions + 1;

// The sum the sink must see: sum over items of (i + kFunctions).
int64_t expected_sum(int64_t n) { return n * (n - 1) / 2 + n * kFunctions; }

// --- avflow operators -------------------------------------------------------

class Source final : public avflow::Operator {
 public:
  static inline const avflow::Out<Int> kOut{"out", "0, 1, ..., count - 1"};
  static inline const avflow::Param<int64_t> kCount{"count", 1000, avflow::Range::at_least(0), "items"};
  AVFLOW_CONTRACT(kOut, kCount);
  void open(Context& ctx) override { count_ = ctx.param(kCount); }
  void process(Context& ctx) override {
    if (next_ >= count_) return ctx.end_of_stream();
    ctx.emit(kOut, Int{next_++});
  }

 private:
  int64_t count_ = 0, next_ = 0;
};

class Inc final : public avflow::Operator {
 public:
  static inline const avflow::In<Int> kIn{"in", "x"};
  static inline const avflow::Out<Int> kOut{"out", "x + 1"};
  AVFLOW_CONTRACT(kIn, kOut, avflow::kOneToOne);
  void process(Context& ctx) override { ctx.emit(kOut, Int{ctx.input(kIn).v + 1}); }
};

std::atomic<int64_t> g_avflow_sum{0};

class Sink final : public avflow::Operator {
 public:
  static inline const avflow::In<Int> kIn{"in", "x"};
  AVFLOW_CONTRACT(kIn);
  void process(Context& ctx) override { sum_ += ctx.input(kIn).v; }
  void finish(Context&) override { g_avflow_sum.store(sum_); }

 private:
  int64_t sum_ = 0;
};

AVFLOW_REGISTER(Source, "bench_source", "emits count integers");
AVFLOW_REGISTER(Inc, "bench_inc", "adds one");
AVFLOW_REGISTER(Sink, "bench_sink", "sums integers");

std::string function_name(int i) {
  std::string name = "f";  // appended, not "f" + ...: GCC 12 warns falsely (-Wrestrict) on that
  name += std::to_string(i);
  return name;
}

std::string chain_toml(int64_t items, int64_t max_in_flight) {
  std::string t = "[graph]\nname = \"flow_overhead\"\nmax_in_flight = " + std::to_string(max_in_flight) + "\n\n";
  t += "[[node]]\nname = \"src\"\nop = \"bench_source\"\ncount = " + std::to_string(items) + "\n\n";
  for (int i = 1; i <= kFunctions; ++i) t += "[[node]]\nname = \"" + function_name(i) + "\"\nop = \"bench_inc\"\n\n";
  t += "[[node]]\nname = \"sink\"\nop = \"bench_sink\"\n\n";
  std::string prev = "src";
  for (int i = 1; i <= kFunctions + 1; ++i) {
    std::string next = i <= kFunctions ? function_name(i) : "sink";
    t += "[[edge]]\nfrom = \"" + prev + "\"\nto = \"" + next + "\"\n\n";
    prev = next;
  }
  return t;
}

using Clock = std::chrono::steady_clock;
double seconds_since(Clock::time_point t0) { return std::chrono::duration<double>(Clock::now() - t0).count(); }

double run_avflow(const avflow::ResolvedGraph& g, int64_t items) {
  g_avflow_sum.store(-1);
  avflow::Executor ex(g);
  auto t0 = Clock::now();
  avflow::RunResult r = ex.run();
  double s = seconds_since(t0);
  if (r.status != avflow::RunStatus::kFinished)
    throw std::runtime_error("avflow run did not finish: " + (r.failures.empty() ? std::string("?") : r.failures[0].str()));
  if (g_avflow_sum.load() != expected_sum(items)) throw std::runtime_error("avflow: wrong sum");
  return s;
}

// --- the same graph, by hand, on tbb::flow ------------------------------------

double run_raw(int64_t items, int64_t max_in_flight) {
  namespace flow = tbb::flow;
  using P = std::shared_ptr<const int64_t>;
  flow::graph g;
  int64_t next = 0, sum = 0;
  flow::input_node<P> src(g, [&](tbb::flow_control& fc) -> P {
    if (next >= items) {
      fc.stop();
      return {};
    }
    return std::make_shared<const int64_t>(next++);
  });
  flow::limiter_node<P> limiter(g, static_cast<size_t>(max_in_flight));
  std::vector<std::unique_ptr<flow::function_node<P, P>>> fs;
  for (int i = 0; i < kFunctions; ++i)
    fs.push_back(std::make_unique<flow::function_node<P, P>>(
        g, flow::serial, [](const P& x) { return std::make_shared<const int64_t>(*x + 1); }));
  flow::function_node<P, flow::continue_msg> sink(g, flow::serial, [&](const P& x) {
    sum += *x;
    return flow::continue_msg();
  });
  flow::make_edge(src, limiter);
  flow::make_edge(limiter, *fs[0]);
  for (int i = 1; i < kFunctions; ++i) flow::make_edge(*fs[i - 1], *fs[i]);
  flow::make_edge(*fs.back(), sink);
  flow::make_edge(sink, limiter.decrementer());  // one unit back per finished item

  auto t0 = Clock::now();
  src.activate();
  g.wait_for_all();
  double s = seconds_since(t0);
  if (sum != expected_sum(items)) throw std::runtime_error("raw tbb: wrong sum");
  return s;
}

double median(std::vector<double> v) {
  std::sort(v.begin(), v.end());
  size_t n = v.size();
  return n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
}

}  // namespace bench

int main(int argc, char** argv) {
  using namespace bench;
  auto arg = [&](int i, int64_t def) { return argc > i ? std::atoll(argv[i]) : def; };
  const int64_t items = arg(1, 200000);
  const int reps = static_cast<int>(std::max<int64_t>(1, arg(2, 7)));
  const int64_t bound = arg(3, 32);
  const int64_t threads = arg(4, 0);
  const std::string only = argc > 5 ? argv[5] : "";
  if (items <= 0 || bound <= 0) {
    std::fprintf(stderr, "usage: %s [items>0] [repetitions] [max_in_flight>0] [threads]\n", argv[0]);
    return 2;
  }
  std::unique_ptr<tbb::global_control> limit;
  if (threads > 0)
    limit = std::make_unique<tbb::global_control>(tbb::global_control::max_allowed_parallelism, threads);

  try {
    avflow::PluginLoader plugins(avflow::Registry::global());
    auto load = [&](int64_t n) {
      return avflow::load_graph_text(chain_toml(n, bound), "<flow_overhead>", {}, plugins,
                                     avflow::Registry::global());
    };
    const int64_t warm = std::min<int64_t>(items, 10000);
    avflow::ResolvedGraph warm_graph = load(warm);
    avflow::ResolvedGraph g = load(items);

    // One short warm-up run each (thread pool start-up, allocator), then alternate.
    const bool do_avflow = only != "raw", do_raw = only != "avflow";
    if (do_avflow) run_avflow(warm_graph, warm);
    if (do_raw) run_raw(warm, bound);
    std::vector<double> av, raw;
    for (int r = 0; r < reps; ++r) {
      if (do_avflow) av.push_back(run_avflow(g, items));
      if (do_raw) raw.push_back(run_raw(items, bound));
    }
    if (!only.empty()) {
      double t = median(do_avflow ? av : raw);
      std::printf("%s alone: %.4f s, %.1f ns/item\n", only.c_str(), t, t / static_cast<double>(items) * 1e9);
      return 0;
    }
    double a = median(av), b = median(raw);
    double n = static_cast<double>(items);
    std::printf("flow_overhead: source -> %d serial functions -> sink, %lld items, max_in_flight %lld, "
                "%s threads, median of %d\n",
                kFunctions, static_cast<long long>(items), static_cast<long long>(bound),
                threads > 0 ? std::to_string(threads).c_str() : "default", reps);
    std::printf("%-10s %12s %10s %10s %12s\n", "graph", "seconds", "ns/item", "ns/hop", "vs raw/hop");
    std::printf("%-10s %12.4f %10.1f %10.1f %12.2fx\n", "raw tbb", b, b / n * 1e9, b / n / kHops * 1e9, 1.0);
    std::printf("%-10s %12.4f %10.1f %10.1f %12.2fx\n", "avflow", a, a / n * 1e9, a / n / kHops * 1e9, a / b);
  } catch (const std::exception& e) {
    std::fprintf(stderr, "flow_overhead: %s\n", e.what());
    return 1;
  }
  return 0;
}
