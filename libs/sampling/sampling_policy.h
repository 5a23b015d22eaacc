// The sampling-policy interface: how a batch's snippets are chosen from the
// index. Each policy lives in a plugin under plugins/ and registers a
// SamplingPolicyFactory as extension kind "sampling_policy"; the `sampler`
// operator picks one by its `policy` parameter. Header-only, so a plugin needs
// nothing of avflow but headers.
//
//   class MyPlan final : public SamplingPlan { ... };
//   class MyPolicy final : public SamplingPolicyFactory { ... };
//   AVFLOW_REGISTER_EXTENSION(MyPolicy, "mine", "doc");
//   AVFLOW_PLUGIN("sampler_mine", "1.0");
#pragma once

#include <cstdint>
#include <memory>
#include <stdexcept>
#include <string>
#include <vector>

#include "engine/extension.h"
#include "libs/random/item_random.h"
#include "libs/sampling/sampling_index.h"

namespace avflow::sampling {

inline constexpr const char* kSamplingPolicyKind = "sampling_policy";

// A batch cannot be drawn as asked (B not divisible by k, no eligible
// titles, ...). The message says what to change.
struct SamplingError : std::runtime_error {
  using std::runtime_error::runtime_error;
};

struct PolicyParams {
  int64_t k = 1;  // snippets per title in a batch
  int64_t w = 0;  // window: largest span max(m) - min(m) + 1; 0 means M_n
  // Clip-group policies: the playback speeds a clip is drawn at, a clip of
  // speed s spanning s consecutive snippets. Other policies ignore them.
  std::vector<int64_t> speeds = {1, 2, 4, 8};
};

using Random = random::ItemRandom;

// A policy bound to one index: eligible titles chosen, tables built.
class SamplingPlan {
 public:
  virtual ~SamplingPlan() = default;
  // Picks per group: a batch is made of whole groups (k for grouping
  // policies, 1 for uniform).
  virtual int64_t group_size() const = 0;
  // Appends `groups` groups of group_size() picks. Grouping policies give
  // each group its own title, distinct within the call.
  virtual void draw(Random& random, int64_t groups, std::vector<Pick>& out) const = 0;
  // Most groups one draw can give (distinct titles); no limit by default.
  virtual int64_t max_groups() const { return INT64_MAX; }
  // Titles the policy cannot use (M_n < k), skipped rather than failing.
  virtual int64_t skipped_titles() const { return 0; }
  // One line for the log: what the plan draws from.
  virtual std::string summary() const = 0;
};

class SamplingPolicyFactory {
 public:
  AVFLOW_EXTENSION_INTERFACE(SamplingPolicyFactory, kSamplingPolicyKind);
  virtual ~SamplingPolicyFactory() = default;
  // Group size for these parameters, known before any index is read, so that
  // validation can check that it divides the batch.
  virtual int64_t group_size(const PolicyParams& params) const = 0;
  // A problem with the parameters alone, or empty. It begins with the name of
  // the parameter it is about ("w = 8 is smaller than k = 16: ...", "speeds
  // ..."), which validation points at: k, speeds, or else w.
  virtual std::string check(const PolicyParams& params) const = 0;
  // Throws SamplingError when the index cannot serve the policy.
  virtual std::unique_ptr<SamplingPlan> plan(const SamplingIndex& index, const PolicyParams& params) const = 0;
};

}  // namespace avflow::sampling
