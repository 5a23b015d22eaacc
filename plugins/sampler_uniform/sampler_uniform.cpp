// Sampling policy "uniform": the paper's baseline (k = 1). Every snippet of
// every title is equally likely, drawn i.i.d. from their union, so a title
// appears in a batch in proportion to its length.
#include <algorithm>

#include "engine/plugin_api.h"
#include "libs/sampling/window_draw.h"

namespace avflow::sampling {
namespace {

class UniformPlan final : public SamplingPlan {
 public:
  explicit UniformPlan(const SamplingIndex& index) {
    ends_.reserve(index.titles.size());
    int64_t total = 0;
    for (const auto& t : index.titles) ends_.push_back(total += t.snippets);
    if (total == 0) throw SamplingError("the catalogue has no snippets to sample from");
  }
  int64_t group_size() const override { return 1; }
  void draw(Random& random, int64_t groups, std::vector<Pick>& out) const override {
    for (int64_t i = 0; i < groups; ++i) {
      // Snippet u of the union; titles whose range ends after u, the first.
      const int64_t u = random.integer(0, ends_.back() - 1);
      const auto it = std::upper_bound(ends_.begin(), ends_.end(), u);
      const auto title = static_cast<int32_t>(it - ends_.begin());
      out.push_back({title, u - (title == 0 ? 0 : ends_[static_cast<size_t>(title) - 1])});
    }
  }
  std::string summary() const override {
    return "uniform over " + std::to_string(ends_.back()) + " snippets of " + std::to_string(ends_.size()) +
           " titles";
  }

 private:
  std::vector<int64_t> ends_;  // cumulative snippet counts
};

class UniformPolicy final : public SamplingPolicyFactory {
 public:
  int64_t group_size(const PolicyParams&) const override { return 1; }
  std::string check(const PolicyParams& p) const override {
    return p.k == 1 ? "" : "uniform draws single snippets: k must be 1 (it is " + std::to_string(p.k) + ")";
  }
  std::unique_ptr<SamplingPlan> plan(const SamplingIndex& index, const PolicyParams&) const override {
    if (index.titles.empty()) throw SamplingError("the catalogue has no titles to sample from");
    return std::make_unique<UniformPlan>(index);
  }
};

}  // namespace
}  // namespace avflow::sampling

AVFLOW_REGISTER_EXTENSION(avflow::sampling::UniformPolicy, "uniform",
                          "i.i.d. snippets from the union of all titles (k = 1)");
AVFLOW_PLUGIN("sampler_uniform", "1.0");
