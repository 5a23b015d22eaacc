#include "libs/sampling/batch_sampler.h"

#include <sstream>

namespace avflow::sampling {

std::string SamplerPosition::str() const {
  return "epoch " + std::to_string(epoch) + " step " + std::to_string(step);
}

SamplerPosition SamplerPosition::parse(const std::string& text) {
  std::istringstream in(text);
  std::string e, s;
  SamplerPosition p;
  if (!(in >> e >> p.epoch >> s >> p.step) || e != "epoch" || s != "step" || p.epoch < 0 || p.step < 0)
    throw std::invalid_argument("not a sampler position (\"epoch E step S\"): '" + text + "'");
  return p;
}

BatchSampler::BatchSampler(std::unique_ptr<SamplingPlan> plan, const SamplerConfig& config, int64_t index_snippets)
    : plan_(std::move(plan)), config_(config) {
  const int64_t k = plan_->group_size();
  const int64_t b = config_.batch_size;
  if (b <= 0) throw SamplingError("batch size must be positive, got " + std::to_string(b));
  if (b % k != 0)
    throw SamplingError("batch size " + std::to_string(b) + " is not divisible by k = " + std::to_string(k) +
                        " (a batch holds B / k whole titles)");
  if (config_.world_size < 1 || config_.rank < 0 || config_.rank >= config_.world_size)
    throw SamplingError("rank " + std::to_string(config_.rank) + " is outside world size " +
                        std::to_string(config_.world_size));
  const int64_t groups = b / k;
  if (groups % config_.world_size != 0)
    throw SamplingError("a batch of " + std::to_string(b) + " holds " + std::to_string(groups) +
                        " groups of k = " + std::to_string(k) + ", which do not split evenly over " +
                        std::to_string(config_.world_size) + " ranks");
  if (groups > plan_->max_groups())
    throw SamplingError("a batch of " + std::to_string(b) + " needs " + std::to_string(groups) +
                        " distinct titles (B / k), but only " + std::to_string(plan_->max_groups()) +
                        " titles have k = " + std::to_string(k) + " snippets; lower B or k");
  const int64_t per_epoch = config_.epoch_snippets > 0 ? config_.epoch_snippets : index_snippets;
  steps_per_epoch_ = std::max<int64_t>(1, per_epoch / b);
}

void BatchSampler::seek(SamplerPosition at) {
  if (at.epoch < 0 || at.step < 0 || at.step >= steps_per_epoch_)
    throw SamplingError("cannot resume at " + at.str() + ": an epoch has " + std::to_string(steps_per_epoch_) +
                        " steps");
  position_ = at;
}

void BatchSampler::global_batch(SamplerPosition at, std::vector<Pick>& out) const {
  Random random(config_.seed, static_cast<uint64_t>(at.epoch), static_cast<uint64_t>(at.step), "sampler");
  plan_->draw(random, config_.batch_size / plan_->group_size(), out);
}

void BatchSampler::next(std::vector<Pick>& out) {
  std::vector<Pick> all;
  all.reserve(static_cast<size_t>(config_.batch_size));
  global_batch(position_, all);
  // Groups are contiguous in `all`; each rank's share is whole groups.
  const int64_t share = rank_batch_size();
  out.insert(out.end(), all.begin() + config_.rank * share, all.begin() + (config_.rank + 1) * share);
  if (++position_.step == steps_per_epoch_) {
    position_.step = 0;
    ++position_.epoch;
  }
}

}  // namespace avflow::sampling
