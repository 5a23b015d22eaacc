#include "libs/media/scene/scene_detector.h"

#include <algorithm>
#include <stdexcept>
#include <string>

namespace avflow::media::scene {

void SceneRule::check() const {
  auto bad = [](const std::string& what) { throw std::invalid_argument("scene detection: " + what); };
  if (layout.rows < 1 || layout.cols < 1) bad("the histogram grid needs at least one cell");
  if (layout.levels < 1 || layout.levels > 16) bad("histogram levels must be in [1, 16]");
  if (layout.stride < 1) bad("histogram stride must be at least 1");
  if (cut_threshold <= 0 || cut_threshold > 1) bad("cut_threshold must be in (0, 1]");
  if (cut_ratio < 1) bad("cut_ratio must be at least 1");
  if (context < 1) bad("context must be at least 1 frame");
  if (min_shot < 1) bad("min_shot must be at least 1 frame");
  if (scene_threshold < 0 || scene_threshold > 1) bad("scene_threshold must be in [0, 1]");
  if (scene_memory < 1) bad("scene_memory must be at least 1 shot");
}

SceneDetector::SceneDetector(SceneRule rule) : rule_(rule) {
  rule_.check();
  lookahead_ = std::max(rule_.context, rule_.min_shot - 1);
}

void SceneDetector::add_frame(const uint8_t* rgb, int64_t height, int64_t width) {
  ColourHistogram h = colour_histogram(rgb, height, width, rule_.layout);
  d_.push_back(pending_.empty() ? 0.0 : histogram_distance(pending_.back(), h, rule_.layout));
  pending_.push_back(std::move(h));
  ++frames_;
  if (frames_ == 1) {  // frame 0 opens the first shot
    add_to_shot(pending_.front());
    pending_.pop_front();
    decided_ = 1;
    return;
  }
  while (decided_ + lookahead_ < frames_) decide(decided_);
}

bool SceneDetector::candidate(int64_t k) const {
  const double dk = d_[static_cast<size_t>(k)];
  if (dk < rule_.cut_threshold) return false;
  double sum = 0;
  int n = 0;
  for (int64_t j = std::max<int64_t>(1, k - rule_.context); j <= std::min(frames_ - 1, k + rule_.context); ++j) {
    if (j == k) continue;
    sum += d_[static_cast<size_t>(j)];
    ++n;
  }
  return n == 0 || dk >= rule_.cut_ratio * sum / n;
}

void SceneDetector::decide(int64_t k) {
  bool cut = k - last_cut_ >= rule_.min_shot && candidate(k);
  for (int64_t j = k + 1; cut && j < std::min(frames_, k + rule_.min_shot); ++j)
    if (d_[static_cast<size_t>(j)] > d_[static_cast<size_t>(k)] && candidate(j)) cut = false;
  if (cut) {
    last_cut_ = k;
    shots_.push_back({k, {}, 0});
  }
  add_to_shot(pending_.front());
  pending_.pop_front();
  ++decided_;
}

void SceneDetector::add_to_shot(const ColourHistogram& h) {
  if (shots_.empty()) shots_.push_back({0, {}, 0});
  Shot& s = shots_.back();
  if (s.sum.empty()) s.sum.assign(h.size(), 0.0f);
  for (size_t i = 0; i < h.size(); ++i) s.sum[i] += h[i];
  ++s.count;
}

std::vector<int64_t> SceneDetector::merge_scenes() const {
  std::vector<ColourHistogram> means;
  means.reserve(shots_.size());
  for (const Shot& s : shots_) {
    ColourHistogram m = s.sum;
    for (float& v : m) v /= static_cast<float>(s.count);
    means.push_back(std::move(m));
  }
  // starts_scene[i]: shot i opens a scene. A shot similar to one of the
  // previous scene_memory shots links back to it, and every shot in between
  // joins that scene (the overlapping-links rule).
  std::vector<bool> starts_scene(shots_.size(), true);
  const size_t memory = static_cast<size_t>(rule_.scene_memory);
  for (size_t i = 1; i < shots_.size(); ++i) {
    for (size_t j = i > memory ? i - memory : 0; j < i; ++j) {
      if (histogram_distance(means[i], means[j], rule_.layout) > rule_.scene_threshold) continue;
      for (size_t between = j + 1; between <= i; ++between) starts_scene[between] = false;
      break;  // the earliest link spans the most
    }
  }
  std::vector<int64_t> starts;
  for (size_t i = 0; i < shots_.size(); ++i)
    if (starts_scene[i]) starts.push_back(shots_[i].first);
  return starts;
}

SceneCuts SceneDetector::finish() {
  while (decided_ < frames_) decide(decided_);
  SceneCuts cuts;
  cuts.frames = frames_;
  for (const Shot& s : shots_) cuts.shot_starts.push_back(s.first);
  cuts.scene_starts = merge_scenes();
  cuts.distances = d_;
  return cuts;
}

std::vector<int64_t> scene_snippet_starts(const std::vector<int64_t>& scene_start_frames, int64_t frames_per_snippet,
                                          int64_t snippet_count) {
  if (frames_per_snippet < 1) throw std::invalid_argument("scene_snippet_starts: frames per snippet must be positive");
  std::vector<int64_t> out;
  for (int64_t f : scene_start_frames) {
    const int64_t m = (2 * f + frames_per_snippet) / (2 * frames_per_snippet);  // round half up
    if (m > 0 && m < snippet_count && (out.empty() || out.back() < m)) out.push_back(m);
  }
  return out;
}

}  // namespace avflow::media::scene
