// Shared by the sampling tests: the policies loaded from their plugins the
// way avflow loads them, hand-made indexes of known M_n, and statistics.
#pragma once

#include <map>
#include <memory>
#include <string>
#include <vector>

#include "libs/sampling/batch_sampler.h"

namespace avflow::test {

// The factory a plugin in build/plugins registers under `name`.
const sampling::SamplingPolicyFactory& policy(const std::string& name);

// Titles "t0", "t1", ... with these snippet counts (show: "s<i / 2>").
sampling::SamplingIndex index_of(const std::vector<int64_t>& snippets);

std::unique_ptr<sampling::SamplingPlan> plan(const std::string& name, const sampling::SamplingIndex& index, int64_t k,
                                             int64_t w = 0);

// Groups of one batch drawn by `plan` from seeded stream `batch`.
std::vector<sampling::Pick> draw_batch(const sampling::SamplingPlan& plan, uint64_t batch, int64_t groups);

// Pearson's chi-square statistic of `counts` against `expected` (same size).
double chi_square(const std::vector<double>& counts, const std::vector<double>& expected);
// A loose upper bound on chi-square with `dof` degrees of freedom that a
// correct sampler exceeds with probability about 1e-4 (Wilson-Hilferty).
double chi_square_bound(double dof);

}  // namespace avflow::test
