// Sampling policy "title_grouping": the paper's hierarchical sampling. A
// batch of B holds B / k distinct titles, each drawn uniformly among the
// titles with at least k snippets; of each, k distinct snippets whose span
// max(m) - min(m) + 1 is at most w (w = 0: M_n, no constraint).
//
// The k snippets come from a window of min(w, M_n) consecutive snippets at a
// uniform start, uniformly among the window's k-subsets; a snippet near a
// title's ends is therefore a little less likely than one in its middle when
// w < M_n.
#include "engine/plugin_api.h"
#include "libs/sampling/window_draw.h"

namespace avflow::sampling {
namespace {

class TitleGroupingPlan final : public GroupingPlan {
 public:
  TitleGroupingPlan(const SamplingIndex& index, const PolicyParams& p) : GroupingPlan(index, p.k), w_(p.w) {}
  std::string summary() const override {
    return "title_grouping k = " + std::to_string(k_) + ", w = " + (w_ == 0 ? "M_n" : std::to_string(w_)) +
           over_titles();
  }

 private:
  void draw_group(Random& random, int32_t title, const TitleEntry& t, std::vector<Pick>& out) const override {
    draw_in_window(random, title, t.snippets, w_, k_, out);
  }
  int64_t w_;
};

class TitleGroupingPolicy final : public SamplingPolicyFactory {
 public:
  int64_t group_size(const PolicyParams& p) const override { return p.k; }
  std::string check(const PolicyParams& p) const override {
    if (p.w != 0 && p.w < p.k)
      return "w = " + std::to_string(p.w) + " is smaller than k = " + std::to_string(p.k) +
             ": k distinct snippets span at least k";
    return "";
  }
  std::unique_ptr<SamplingPlan> plan(const SamplingIndex& index, const PolicyParams& p) const override {
    return std::make_unique<TitleGroupingPlan>(index, p);
  }
};

}  // namespace
}  // namespace avflow::sampling

AVFLOW_REGISTER_EXTENSION(avflow::sampling::TitleGroupingPolicy, "title_grouping",
                          "B / k distinct titles, k snippets of each within a span of w");
AVFLOW_PLUGIN("sampler_title_grouping", "1.0");
