// Small operators, payloads and helpers for engine tests.
//
// Every operator here registers itself in Registry::global() under a name
// starting with `test_` (see test_operators.cpp for the list and their
// parameters). They record what happens to them in process-wide logs that a
// test reads back and clears:
//   Lifecycle   open / close calls with their CloseReason, per node
//   Recorder    the values each sink received, per node
//   Gate        named gates a sink waits on, opened by the test
//   Tracked     a payload that counts its live instances (back-pressure)
//
//   [[node]]  name = "src"   op = "test_counter"  count = 5
//   [[node]]  name = "dbl"   op = "test_double"
//   [[node]]  name = "out"   op = "test_collect"
//   [[edge]]  from = "src"   to = "dbl"
//   [[edge]]  from = "dbl"   to = "out"
//
//   RunResult r = avflow::test::run_text(toml);
//   CHECK(Recorder::values("out") == std::vector<int64_t>{0, 2, 4, 6, 8});
#pragma once

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <functional>
#include <map>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "engine/context.h"
#include "engine/diagnostics.h"
#include "engine/executor.h"
#include "engine/payload.h"
#include "engine/validate.h"

// --- payloads -------------------------------------------------------------

// An integer on an edge.
struct TestInt {
  int64_t v = 0;
};
std::string describe(const TestInt& x);  // "v=17"

// A string on an edge, to mismatch with TestInt.
struct TestText {
  std::string s;
};

// An integer whose live instances are counted: a moved-from instance stops
// counting, so the count is the number of values that exist, not of C++
// objects in transit.
struct Tracked {
  int64_t v = 0;

  explicit Tracked(int64_t value = 0);
  Tracked(const Tracked& o);
  Tracked(Tracked&& o) noexcept;
  Tracked& operator=(const Tracked& o);
  Tracked& operator=(Tracked&& o) noexcept;
  ~Tracked();

  static int64_t live();       // instances alive now
  static int64_t peak();       // highest live() since reset_peak()
  static void reset_peak();    // peak := live

 private:
  bool counted_ = false;
  void acquire();
  void release();
};

AVFLOW_PAYLOAD(TestInt, "test_int", "an integer, for tests")
AVFLOW_PAYLOAD(TestText, "test_text", "a string, for tests")
AVFLOW_PAYLOAD(Tracked, "test_tracked", "an integer whose live instances are counted")

namespace avflow::test {

// --- logs -------------------------------------------------------------------

struct LifecycleEvent {
  std::string node;
  bool is_open;                 // false: close
  CloseReason reason = CloseReason::kFinished;  // close only
};

// Open and close calls of every test operator, in call order. A node is
// logged as opened only when its open() returned normally.
class Lifecycle {
 public:
  static void clear();
  static void record_open(const std::string& node);
  static void record_close(const std::string& node, CloseReason reason);
  static std::vector<LifecycleEvent> events();
  static std::vector<std::string> opened();            // in open order
  static int open_count(const std::string& node);
  static int close_count(const std::string& node);
  // The reason of the node's (last) close; nullopt when it was not closed.
  static std::optional<CloseReason> close_reason(const std::string& node);
};

// Values received by sinks, per node; also counts process() entries, so a
// test can wait until a sink is busy with an item.
class Recorder {
 public:
  static void clear();
  static void entered(const std::string& node);
  static void add(const std::string& node, int64_t value);
  static std::vector<int64_t> values(const std::string& node);
  static int64_t entered_count(const std::string& node);
  // Waits until the node entered process() `n` times; false on timeout.
  static bool wait_entered(const std::string& node, int64_t n,
                           std::chrono::milliseconds timeout = std::chrono::seconds(10));
};

// Named gates sinks wait on (`gate = "name"`). Gates start closed; a wait
// gives up after a safety timeout so that a broken test fails instead of
// hanging.
class Gate {
 public:
  static void open(const std::string& name);
  static void close_all();  // every gate closed again
  static void wait(const std::string& name,
                   std::chrono::milliseconds timeout = std::chrono::seconds(10));
};

// The most process() calls of test_parallel_double seen active at once.
int64_t parallel_max_active();

// Clears every log and closes every gate; call at the start of each test.
void reset_test_state();

// --- running graphs ------------------------------------------------------------

// Loads TOML text as "test.toml" (overrides as given to --set) with the global
// registry. Throws GraphError.
ResolvedGraph load_text(const std::string& toml, const std::vector<std::string>& overrides = {});

// The diagnostics of a graph that fails to load; empty when it loads.
std::vector<Diagnostic> load_errors(const std::string& toml,
                                    const std::vector<std::string>& overrides = {});

// The same for a graph file and its includes.
ResolvedGraph load_file(const std::string& path, const std::vector<std::string>& overrides = {});
std::vector<Diagnostic> file_errors(const std::string& path, const std::vector<std::string>& overrides = {});

// Loads and runs a graph to its end.
RunResult run_text(const std::string& toml, const std::vector<std::string>& overrides = {});

// Polls `done` (every millisecond) until it holds; false on timeout.
bool wait_until(const std::function<bool()>& done,
                std::chrono::milliseconds timeout = std::chrono::seconds(10));

// The first diagnostic whose message contains `text`; null when none does.
const Diagnostic* find_diagnostic(const std::vector<Diagnostic>& ds, const std::string& text);

// All diagnostics joined by newlines, for failure messages.
std::string joined(const std::vector<Diagnostic>& ds);

}  // namespace avflow::test
