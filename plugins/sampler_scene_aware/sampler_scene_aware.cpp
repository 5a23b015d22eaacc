// Sampling policy "scene_aware": title grouping whose window is a scene. For
// each of the B / k distinct titles, an anchor snippet is drawn uniformly;
// the window is the scene that contains it (from the boundaries prepare
// detected), and k distinct snippets are drawn uniformly from that window.
// A scene shorter than k snippets is widened evenly on both sides to k (kept
// inside the title). A title without detected scenes uses a window of w
// around a uniform start, as title_grouping does (w = 0: M_n).
#include <algorithm>

#include "engine/plugin_api.h"
#include "libs/sampling/window_draw.h"

namespace avflow::sampling {
namespace {

class SceneAwarePlan final : public GroupingPlan {
 public:
  SceneAwarePlan(const SamplingIndex& index, const PolicyParams& p) : GroupingPlan(index, p.k), w_(p.w) {
    for (int32_t t : eligible_) with_scenes_ += index.titles[static_cast<size_t>(t)].has_scenes;
  }
  std::string summary() const override {
    return "scene_aware k = " + std::to_string(k_) + over_titles() + " (" + std::to_string(with_scenes_) +
           " with scenes; the others use w = " + (w_ == 0 ? "M_n" : std::to_string(w_)) + ")";
  }

 private:
  void draw_group(Random& random, int32_t title, const TitleEntry& t, std::vector<Pick>& out) const override {
    if (!t.has_scenes) return draw_in_window(random, title, t.snippets, w_, k_, out);
    const int64_t anchor = random.integer(0, t.snippets - 1);
    const auto next = std::upper_bound(t.scene_starts.begin(), t.scene_starts.end(), anchor);
    int64_t first = next == t.scene_starts.begin() ? 0 : *(next - 1);
    int64_t len = (next == t.scene_starts.end() ? t.snippets : *next) - first;
    if (len < k_) {
      first = std::clamp(first - (k_ - len) / 2, int64_t{0}, t.snippets - k_);
      len = k_;
    }
    draw_distinct(random, first, len, k_, title, out);
  }
  int64_t w_;
  int64_t with_scenes_ = 0;
};

class SceneAwarePolicy final : public SamplingPolicyFactory {
 public:
  int64_t group_size(const PolicyParams& p) const override { return p.k; }
  std::string check(const PolicyParams& p) const override {
    if (p.w != 0 && p.w < p.k)
      return "w = " + std::to_string(p.w) + " (the window of titles without scenes) is smaller than k = " +
             std::to_string(p.k);
    return "";
  }
  std::unique_ptr<SamplingPlan> plan(const SamplingIndex& index, const PolicyParams& p) const override {
    return std::make_unique<SceneAwarePlan>(index, p);
  }
};

}  // namespace
}  // namespace avflow::sampling

AVFLOW_REGISTER_EXTENSION(avflow::sampling::SceneAwarePolicy, "scene_aware",
                          "title grouping with the window set by the anchor snippet's scene");
AVFLOW_PLUGIN("sampler_scene_aware", "1.0");
