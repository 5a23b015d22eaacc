// Sampling policy "temporal_clips": the clip groups of temporal
// self-supervision (Jenni et al.) on the first method's title grouping. A
// batch of B holds B / k distinct titles; of each, k / 2 pairs of clips
// within a window of w consecutive snippets (w = 0: M_n). A clip at playback
// speed s is s consecutive snippets (s x 3.2 s, which temporal_transform
// plays in the time of one), one request of span s. The second clip of a
// pair overlaps the first, comes after it or comes before it, the three
// order classes (libs/temporal/clip_pair.h) equally likely.
//
// Per pair: the order class, then both speeds uniformly from `speeds`; a
// pair that does not fit the window is capped, its faster clip slowed to the
// next speed down until it does (so in a short title the fast speeds are
// rarer), and then placed: for an overlap the first clip at a uniform start
// and the second at a uniform start among those that share a snippet with
// it; for after (before) the earlier clip at a uniform start that leaves room
// for the later one, which starts uniformly after it ends.
#include <algorithm>

#include "engine/plugin_api.h"
#include "libs/sampling/window_draw.h"
#include "libs/temporal/clip_pair.h"

namespace avflow::sampling {
namespace {

using temporal::PairOrder;

class TemporalClipsPlan final : public SamplingPlan {
 public:
  TemporalClipsPlan(const SamplingIndex& index, const PolicyParams& p)
      : index_(index), k_(p.k), w_(p.w), speeds_(p.speeds) {
    // A title (window) must hold two clips of the slowest speed side by side.
    eligible_ = titles_with_at_least(index, 2 * speeds_.front(), skipped_);
    if (index.titles.empty()) throw SamplingError("the catalogue has no titles to sample from");
    int64_t longest = 0;
    for (const auto& t : index.titles) longest = std::max(longest, window(t.snippets));
    if (eligible_.empty())
      throw SamplingError("no title holds two clips of the slowest speed " + std::to_string(speeds_.front()) +
                          " (" + std::to_string(2 * speeds_.front()) + " snippets; the longest " +
                          (w_ ? "window holds " : "title has ") + std::to_string(longest) + "); lower speeds");
    for (int64_t s : speeds_)
      if (s > longest)
        throw SamplingError("speeds: speed " + std::to_string(s) + " spans " + std::to_string(s) +
                            " snippets, more than any " + (w_ ? "window (w = " + std::to_string(w_) + ")" : "title") +
                            " holds (the longest: " + std::to_string(longest) + "); drop it from speeds");
  }
  int64_t group_size() const override { return k_; }
  int64_t max_groups() const override { return static_cast<int64_t>(eligible_.size()); }
  int64_t skipped_titles() const override { return skipped_; }
  std::string summary() const override {
    std::string speeds;
    for (int64_t s : speeds_) speeds += (speeds.empty() ? "" : ", ") + std::to_string(s);
    return "temporal_clips k = " + std::to_string(k_) + " (" + std::to_string(k_ / 2) + " pairs), w = " +
           (w_ == 0 ? "M_n" : std::to_string(w_)) + ", speeds [" + speeds + "] over " +
           std::to_string(eligible_.size()) + " titles";
  }

  void draw(Random& random, int64_t groups, std::vector<Pick>& out) const override {
    for (int32_t e : draw_distinct_titles(random, static_cast<int32_t>(eligible_.size()), groups)) {
      const int32_t title = eligible_[static_cast<size_t>(e)];
      const int64_t snippets = index_.titles[static_cast<size_t>(title)].snippets;
      const int64_t len = window(snippets);
      const int64_t start = random.integer(0, snippets - len);
      for (int64_t pair = 0; pair < k_ / 2; ++pair) draw_pair(random, title, start, len, out);
    }
  }

 private:
  int64_t window(int64_t snippets) const { return w_ == 0 ? snippets : std::min(w_, snippets); }

  // The next speed down from s (s itself when it is the slowest).
  int64_t slower(int64_t s) const {
    auto at = std::lower_bound(speeds_.begin(), speeds_.end(), s);
    return at == speeds_.begin() ? s : *(at - 1);
  }

  void draw_pair(Random& random, int32_t title, int64_t start, int64_t len, std::vector<Pick>& out) const {
    const auto order = static_cast<PairOrder>(random.integer(0, temporal::kOrderClasses - 1));
    int64_t sa = speeds_[static_cast<size_t>(random.integer(0, static_cast<int64_t>(speeds_.size()) - 1))];
    int64_t sb = speeds_[static_cast<size_t>(random.integer(0, static_cast<int64_t>(speeds_.size()) - 1))];
    const bool side_by_side = order != PairOrder::kOverlap;
    // Ends: an eligible window holds two clips of the slowest speed.
    while ((side_by_side ? sa + sb : std::max(sa, sb)) > len) {
      int64_t& faster = sa >= sb ? sa : sb;
      faster = slower(faster);
    }
    int64_t a = 0, b = 0;
    switch (order) {
      case PairOrder::kOverlap:
        a = random.integer(0, len - sa);
        b = random.integer(std::max<int64_t>(0, a - sb + 1), std::min(len - sb, a + sa - 1));
        break;
      case PairOrder::kAfter:
        a = random.integer(0, len - sa - sb);
        b = random.integer(a + sa, len - sb);
        break;
      case PairOrder::kBefore:
        b = random.integer(0, len - sa - sb);
        a = random.integer(b + sb, len - sa);
        break;
    }
    out.push_back({title, start + a, sa});
    out.push_back({title, start + b, sb});
  }

  const SamplingIndex& index_;
  const int64_t k_, w_;
  const std::vector<int64_t> speeds_;
  std::vector<int32_t> eligible_;
  int64_t skipped_ = 0;
};

class TemporalClipsPolicy final : public SamplingPolicyFactory {
 public:
  int64_t group_size(const PolicyParams& p) const override { return p.k; }
  std::string check(const PolicyParams& p) const override {
    if (p.k % 2 != 0)
      return "k = " + std::to_string(p.k) + " is odd: a title's k clips are k / 2 pairs (the order task's)";
    if (p.speeds.empty()) return "speeds is empty: give at least one playback speed, e.g. [1, 2, 4, 8]";
    for (size_t i = 0; i < p.speeds.size(); ++i)
      if (p.speeds[i] < 1 || (i > 0 && p.speeds[i] <= p.speeds[i - 1]))
        return "speeds must be distinct whole numbers >= 1 in increasing order, e.g. [1, 2, 4, 8]";
    if (p.w != 0 && p.w < 2 * p.speeds.front())
      return "w = " + std::to_string(p.w) + " cannot hold two clips of the slowest speed " +
             std::to_string(p.speeds.front()) + " side by side (" + std::to_string(2 * p.speeds.front()) +
             " snippets)";
    return "";
  }
  std::unique_ptr<SamplingPlan> plan(const SamplingIndex& index, const PolicyParams& p) const override {
    return std::make_unique<TemporalClipsPlan>(index, p);
  }
};

}  // namespace
}  // namespace avflow::sampling

AVFLOW_REGISTER_EXTENSION(avflow::sampling::TemporalClipsPolicy, "temporal_clips",
                          "B / k distinct titles, k / 2 pairs of clips of each at playback speeds (spans) of `speeds`, "
                          "overlapping, after or before with equal chance");
AVFLOW_PLUGIN("sampler_temporal_clips", "1.0");
