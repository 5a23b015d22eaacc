// Drawing helpers shared by the sampling policies (header-only).
#pragma once

#include <algorithm>
#include <cstdint>
#include <string>
#include <vector>

#include "libs/sampling/sampling_policy.h"

namespace avflow::sampling {

// k distinct integers of [first, first + len), uniformly among all such sets
// (Floyd's algorithm), appended in increasing order. Needs k <= len.
inline void draw_distinct(Random& random, int64_t first, int64_t len, int64_t k, int32_t title,
                          std::vector<Pick>& out) {
  const size_t at = out.size();
  for (int64_t j = len - k; j < len; ++j) {
    int64_t t = random.integer(0, j);
    bool seen = false;
    for (size_t i = at; i < out.size(); ++i) seen |= out[i].m == first + t;
    out.push_back({title, first + (seen ? j : t)});
  }
  std::sort(out.begin() + static_cast<std::ptrdiff_t>(at), out.end(),
            [](const Pick& a, const Pick& b) { return a.m < b.m; });
}

// k distinct snippets of a title of `snippets`, from a window of min(w,
// snippets) consecutive ones (w = 0: the whole title) at a uniform start.
inline void draw_in_window(Random& random, int32_t title, int64_t snippets, int64_t w, int64_t k,
                           std::vector<Pick>& out) {
  const int64_t len = w == 0 ? snippets : std::min(w, snippets);
  draw_distinct(random, random.integer(0, snippets - len), len, k, title, out);
}

// `count` distinct values of [0, n), uniformly, in random order (Floyd's
// algorithm, then a shuffle; a linear membership scan: count is a batch's
// number of titles, a few hundred at most).
inline std::vector<int32_t> draw_distinct_titles(Random& random, int32_t n, int64_t count) {
  std::vector<int32_t> chosen;
  chosen.reserve(static_cast<size_t>(count));
  for (int64_t j = n - count; j < n; ++j) {
    auto t = static_cast<int32_t>(random.integer(0, j));
    if (std::find(chosen.begin(), chosen.end(), t) != chosen.end()) t = static_cast<int32_t>(j);
    chosen.push_back(t);
  }
  for (size_t i = chosen.size(); i > 1; --i)
    std::swap(chosen[i - 1], chosen[static_cast<size_t>(random.integer(0, static_cast<int64_t>(i) - 1))]);
  return chosen;
}

// The titles with at least k snippets (a title with fewer cannot give k
// distinct ones); the others are counted as skipped.
inline std::vector<int32_t> titles_with_at_least(const SamplingIndex& index, int64_t k, int64_t& skipped) {
  std::vector<int32_t> eligible;
  skipped = 0;
  for (size_t i = 0; i < index.titles.size(); ++i) {
    if (index.titles[i].snippets >= k) eligible.push_back(static_cast<int32_t>(i));
    else ++skipped;
  }
  return eligible;
}

// Fails with a message that says why no title can be drawn.
inline void require_eligible(const std::vector<int32_t>& eligible, const SamplingIndex& index, int64_t k) {
  if (index.titles.empty()) throw SamplingError("the catalogue has no titles to sample from");
  if (eligible.empty())
    throw SamplingError("no title has k = " + std::to_string(k) + " snippets (all " +
                        std::to_string(index.titles.size()) + " are shorter); lower k");
}

}  // namespace avflow::sampling

namespace avflow::sampling {

// The common part of the grouping policies: B / k distinct titles among
// those with at least k snippets, each then asked for its k snippets.
class GroupingPlan : public SamplingPlan {
 public:
  GroupingPlan(const SamplingIndex& index, int64_t k) : index_(index), k_(k) {
    eligible_ = titles_with_at_least(index, k_, skipped_);
    require_eligible(eligible_, index, k_);
  }
  int64_t group_size() const final { return k_; }
  int64_t max_groups() const final { return static_cast<int64_t>(eligible_.size()); }
  int64_t skipped_titles() const final { return skipped_; }
  void draw(Random& random, int64_t groups, std::vector<Pick>& out) const final {
    for (int32_t e : draw_distinct_titles(random, static_cast<int32_t>(eligible_.size()), groups)) {
      const int32_t title = eligible_[static_cast<size_t>(e)];
      draw_group(random, title, index_.titles[static_cast<size_t>(title)], out);
    }
  }

 protected:
  // Appends the k snippets of one title.
  virtual void draw_group(Random& random, int32_t title, const TitleEntry& t, std::vector<Pick>& out) const = 0;
  std::string over_titles() const { return " over " + std::to_string(eligible_.size()) + " titles"; }

  const SamplingIndex& index_;
  const int64_t k_;
  std::vector<int32_t> eligible_;
  int64_t skipped_ = 0;
};

}  // namespace avflow::sampling
