// BatchSampler: turns a policy's plan into the step-by-step stream of batches
// a training run consumes, deterministic and resumable.
//
// Step s of epoch e is drawn from a random stream keyed by (seed, e, s) alone,
// so the sampler's whole state is its position (epoch, step): saving and
// restoring it continues exactly, and any step can be redrawn on its own.
// With several training processes every rank draws the same global batch of
// B and takes its own contiguous share of whole groups (titles), so ranks
// never share a group and their union is the single-process batch.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "libs/sampling/sampling_policy.h"

namespace avflow::sampling {

struct SamplerPosition {
  int64_t epoch = 0;
  int64_t step = 0;  // within the epoch

  bool operator==(const SamplerPosition&) const = default;
  std::string str() const;                          // "epoch 3 step 17"
  static SamplerPosition parse(const std::string&);  // throws std::invalid_argument
};

struct SamplerConfig {
  int64_t batch_size = 512;    // B, the global batch over all ranks
  uint64_t seed = 0;
  int64_t epoch_snippets = 0;  // snippets per epoch; 0: the index's total
  int64_t rank = 0;
  int64_t world_size = 1;
};

class BatchSampler {
 public:
  // Throws SamplingError when B is not a multiple of the group size, when the
  // groups of a batch do not split evenly over the ranks, or when a batch
  // needs more distinct titles than the plan can give.
  BatchSampler(std::unique_ptr<SamplingPlan> plan, const SamplerConfig& config, int64_t index_snippets);

  const SamplingPlan& plan() const { return *plan_; }
  int64_t steps_per_epoch() const { return steps_per_epoch_; }
  int64_t rank_batch_size() const { return config_.batch_size / config_.world_size; }

  SamplerPosition position() const { return position_; }
  void seek(SamplerPosition at);

  // This rank's share of the batch at the current position; then advances.
  void next(std::vector<Pick>& out);
  // The whole batch of every rank at `at`, in rank order.
  void global_batch(SamplerPosition at, std::vector<Pick>& out) const;

 private:
  std::unique_ptr<SamplingPlan> plan_;
  SamplerConfig config_;
  int64_t steps_per_epoch_ = 1;
  SamplerPosition position_;
};

}  // namespace avflow::sampling
