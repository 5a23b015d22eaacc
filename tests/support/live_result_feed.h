// test_live_results: a source of live results (LiveResult, as live_classify
// emits them) that the test paces, for the tests of result_stream:
//
//   LiveResultPace::reset();                     // nothing may go yet
//   [[node]]  name = "feed"  op = "test_live_results"  count = 100  embedding = 2000
//   [[edge]]  from = "feed"  to = "results.in"
//   LiveResultPace::allow(10);                   // results 0..9 may go
//   LiveResultPace::wait_emitted(10, 30.0);
//   LiveResultPace::allow_all();
//
// Result i has index i, span [i, i + 1) s, latency i ms, two classes and
// `embedding` floats of about 19 characters of JSON each, so a test chooses
// the size of a line. A result still not allowed after 300 s fails the run
// instead of hanging it; a cancelled run ends the stream.
#pragma once

#include <cstdint>

namespace avflow::test {

class LiveResultPace {
 public:
  static void reset();            // nothing allowed, nothing emitted
  static void allow(int64_t n);   // the first n results may go (never lowers the count)
  static void allow_all();
  static int64_t emitted();
  // Waits until `n` results were emitted; false after `timeout_s`.
  static bool wait_emitted(int64_t n, double timeout_s);
};

}  // namespace avflow::test
