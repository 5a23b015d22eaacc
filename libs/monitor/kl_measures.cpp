#include "libs/monitor/kl_measures.h"

#include <cmath>
#include <stdexcept>
#include <string>

#include <tbb/parallel_for.h>

namespace avflow::monitor {
namespace {

SetSummary summarise(const std::vector<double>& values) {
  SetSummary s;
  s.count = static_cast<int64_t>(values.size());
  if (values.empty()) return s;
  double sum = 0, sum_sq = 0;
  for (double v : values) sum += v;
  s.mean = sum / static_cast<double>(values.size());
  for (double v : values) sum_sq += (v - s.mean) * (v - s.mean);
  s.stddev = std::sqrt(sum_sq / static_cast<double>(values.size()));
  return s;
}

// At most `cap` values at evenly spaced positions, sorted.
SortedSample thinned(const std::vector<double>& values, size_t cap) {
  if (values.size() <= cap) return SortedSample::of(values);
  std::vector<double> kept(cap);
  for (size_t i = 0; i < cap; ++i) kept[i] = values[i * values.size() / cap];
  return SortedSample::of(std::move(kept));
}

}  // namespace

KlMeasures kl_measures(const SimilaritySets& sets, const KlOptions& options) {
  if (sets.same_group.empty())
    throw std::invalid_argument("kl measures: S- is empty (no group has two snippets in the sample)");
  if (sets.other_group.empty()) throw std::invalid_argument("kl measures: S!= is empty (the sample has one group)");
  const BootstrapOptions& boot = options.bootstrap;
  if (boot.resamples < 0)
    throw std::invalid_argument("kl measures: resamples must be >= 0, got " + std::to_string(boot.resamples));
  if (boot.resamples > 0 && !(boot.level > 0 && boot.level < 1))
    throw std::invalid_argument("kl measures: the interval level must be in (0, 1), got " + std::to_string(boot.level));
  if (options.max_set < 2) throw std::invalid_argument("kl measures: max_set must be >= 2");

  const SortedSample plus = SortedSample::of(sets.positive);
  const SortedSample minus = thinned(sets.same_group, options.max_set);
  const SortedSample other = thinned(sets.other_group, options.max_set);
  const PairEstimator minus_plus(minus, plus, options.estimator), other_plus(other, plus, options.estimator),
      minus_other(minus, other, options.estimator);

  KlMeasures m;
  m.minus_plus.value = minus_plus();
  m.other_plus.value = other_plus();
  m.minus_other.value = minus_other();
  m.gap.value = m.other_plus.value - m.minus_plus.value;
  m.plus = summarise(sets.positive);
  m.minus = summarise(sets.same_group);
  m.other = summarise(sets.other_group);

  if (boot.resamples == 0) {
    for (Measure* x : {&m.minus_plus, &m.other_plus, &m.minus_other, &m.gap}) x->interval = {x->value, x->value};
    return m;
  }
  const auto b_count = static_cast<size_t>(boot.resamples);
  std::vector<double> mp(b_count), op(b_count), mo(b_count), gap(b_count);
  // Resamples in parallel (each one's draws are keyed by its number, so the
  // result does not depend on the threads).
  tbb::parallel_for(size_t{0}, b_count, [&](size_t b) {
    // One draw of each set per resample, shared by the measures that read
    // it: the gap's two KLs see the same S+.
    const auto c_plus = resample_counts(plus.size(), boot.seed, b, "kl bootstrap S+");
    const auto c_minus = resample_counts(minus.size(), boot.seed, b, "kl bootstrap S-");
    const auto c_other = resample_counts(other.size(), boot.seed, b, "kl bootstrap S!=");
    mp[b] = minus_plus(c_minus, c_plus);
    op[b] = other_plus(c_other, c_plus);
    mo[b] = minus_other(c_minus, c_other);
    gap[b] = op[b] - mp[b];
  });
  m.minus_plus.interval = percentile_interval(std::move(mp), boot.level);
  m.other_plus.interval = percentile_interval(std::move(op), boot.level);
  m.minus_other.interval = percentile_interval(std::move(mo), boot.level);
  m.gap.interval = percentile_interval(std::move(gap), boot.level);
  return m;
}

}  // namespace avflow::monitor
