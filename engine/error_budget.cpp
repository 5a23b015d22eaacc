#include "engine/error_budget.h"

#include <algorithm>
#include <cmath>
#include <sstream>
#include <stdexcept>

#include "engine/log.h"
#include "engine/text_format.h"

namespace avflow {

void ErrorBudget::configure(const Context& ctx, const ErrorPolicyParams& params) {
  policy_ = ctx.param(params.on_error);
  max_errors_ = ctx.param(params.max_errors);
}

uint64_t errors_allowed(double max_errors, uint64_t items) {
  if (max_errors >= 1) return static_cast<uint64_t>(max_errors);
  if (max_errors <= 0) return 0;
  return std::max<uint64_t>(1, static_cast<uint64_t>(std::floor(max_errors * static_cast<double>(items))));
}

void ErrorBudget::bad(Context& ctx, const std::string& key, const std::string& what) {
  const uint64_t bad = bad_.fetch_add(1, std::memory_order_relaxed) + 1;
  ctx.count_error();
  bool first = false;
  {
    std::lock_guard<std::mutex> lock(mu_);
    first = logged_.insert(key).second;
  }
  if (first) {
    AVFLOW_LOG(warn) << "node '" << ctx.node() << "': " << key << " skipped (on_error = skip): " << what;
  }
  const uint64_t items = std::max(items_.load(std::memory_order_relaxed), bad);
  if (bad <= errors_allowed(max_errors_, items)) return;
  std::ostringstream msg;
  msg << bad << " bad items in " << items << " read exceed max_errors = " << shortest_double(max_errors_)
      << (max_errors_ >= 1 || max_errors_ <= 0 ? " (a count)" : " (a fraction of the items read)") << "; the last, "
      << key << ": " << what;
  throw std::runtime_error(msg.str());
}

}  // namespace avflow
