// Sampling policy "adjacent": title grouping with w = k, so the k snippets of
// a title are consecutive, m0 .. m0 + k - 1, at a uniform start m0.
#include "engine/plugin_api.h"
#include "libs/sampling/window_draw.h"

namespace avflow::sampling {
namespace {

class AdjacentPlan final : public GroupingPlan {
 public:
  AdjacentPlan(const SamplingIndex& index, int64_t k) : GroupingPlan(index, k) {}
  std::string summary() const override { return "adjacent k = " + std::to_string(k_) + over_titles(); }

 private:
  void draw_group(Random& random, int32_t title, const TitleEntry& t, std::vector<Pick>& out) const override {
    const int64_t first = random.integer(0, t.snippets - k_);
    for (int64_t i = 0; i < k_; ++i) out.push_back({title, first + i});
  }
};

class AdjacentPolicy final : public SamplingPolicyFactory {
 public:
  int64_t group_size(const PolicyParams& p) const override { return p.k; }
  std::string check(const PolicyParams& p) const override {
    if (p.w != 0 && p.w != p.k)
      return "adjacent sets w = k; leave w unset (0) instead of " + std::to_string(p.w);
    return "";
  }
  std::unique_ptr<SamplingPlan> plan(const SamplingIndex& index, const PolicyParams& p) const override {
    return std::make_unique<AdjacentPlan>(index, p.k);
  }
};

}  // namespace
}  // namespace avflow::sampling

AVFLOW_REGISTER_EXTENSION(avflow::sampling::AdjacentPolicy, "adjacent",
                          "B / k distinct titles, k consecutive snippets of each (w = k)");
AVFLOW_PLUGIN("sampler_adjacent", "1.0");
