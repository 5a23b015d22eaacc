// What an operator does with a bad input item (a corrupt record, a file that
// stopped decoding): fail the run, or get past it. Long runs take `skip`: the
// item is logged once, counted in the node's metrics, and replaced or left
// out as the operator documents, until more than `max_errors` items were bad,
// which fails the run (a disk that rots is noticed, not trained around).
//
//   static inline const ErrorPolicyParams kOnError{{OnError::kFail, 0.01,
//       "a corrupt snippet: fail, or skip (served by the nearest readable one)",
//       "with skip: bad snippets allowed ..."}};
//   AVFLOW_CONTRACT(..., kOnError);
//   void open(Context& ctx) override { budget_.configure(ctx, kOnError); }
//   ...
//   try { s = read(m); } catch (const std::runtime_error& e) {
//     if (!budget_.skips()) throw;
//     budget_.bad(ctx, key, e.what());   // throws once over budget
//     s = substitute(m);
//   }
#pragma once

#include <atomic>
#include <cstdint>
#include <mutex>
#include <set>
#include <string>

#include "engine/context.h"
#include "engine/contract.h"
#include "engine/params.h"

namespace avflow {

enum class OnError { kFail, kSkip };

// An operator's defaults and the words of its two parameters (each operator
// says what its items are and what replaces a bad one).
struct ErrorPolicyDefaults {
  OnError on_error = OnError::kFail;
  double max_errors = 0.01;
  const char* on_error_doc;
  const char* max_errors_doc;
};

struct ErrorPolicyParams {
  explicit ErrorPolicyParams(ErrorPolicyDefaults d)
      : on_error{"on_error", d.on_error, {{"fail", OnError::kFail}, {"skip", OnError::kSkip}}, d.on_error_doc},
        max_errors{"max_errors", d.max_errors, Range{0.0, 1e15}, d.max_errors_doc} {}

  EnumParam<OnError> on_error;
  // >= 1: a count; below 1: a fraction of the items the node has read (at
  // least one bad item is allowed, so the first one does not end a run).
  Param<double> max_errors;

  ParamGroup group() const { return {{on_error.spec, max_errors.spec}, {}}; }
};

// How many bad items `max_errors` allows among `items`.
uint64_t errors_allowed(double max_errors, uint64_t items);

// A node's bad items: which were logged, how many, and whether the budget
// still holds. Thread-safe: parallel operators share one.
class ErrorBudget {
 public:
  // In open().
  void configure(const Context& ctx, const ErrorPolicyParams& params);
  bool skips() const { return policy_ == OnError::kSkip; }

  // One item read (good or bad), for a fractional budget.
  void count_item() { items_.fetch_add(1, std::memory_order_relaxed); }

  // A bad item under skip, named by `key` (logged the first time that key
  // is bad, with `what`); counted in the node's metrics every time. Throws
  // std::runtime_error when the bad items now exceed max_errors.
  void bad(Context& ctx, const std::string& key, const std::string& what);

 private:
  OnError policy_ = OnError::kFail;
  double max_errors_ = 0;
  std::atomic<uint64_t> items_{0}, bad_{0};
  std::mutex mu_;
  std::set<std::string> logged_;
};

}  // namespace avflow
