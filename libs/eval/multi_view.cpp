#include "libs/eval/multi_view.h"

#include <stdexcept>

namespace avflow::eval {

std::vector<double> uniform_clip_starts(double duration_s, double clip_s, int clips) {
  if (clips < 1) throw std::invalid_argument("multi-view testing needs at least one clip, not " + std::to_string(clips));
  if (!(clip_s > 0)) throw std::invalid_argument("the clip length must be positive");
  if (!(duration_s >= 0)) throw std::invalid_argument("the duration must not be negative");
  const double span = duration_s > clip_s ? duration_s - clip_s : 0.0;
  std::vector<double> starts;
  for (int i = 0; i < clips; ++i) starts.push_back(clips == 1 ? span / 2 : span * i / (clips - 1));
  return starts;
}

std::vector<TestView> video_test_views(double duration_s, double clip_s, int clips) {
  std::vector<TestView> views;
  for (double start : uniform_clip_starts(duration_s, clip_s, clips))
    for (const char* crop : {"left", "center", "right"})
      views.push_back({static_cast<int>(views.size()), start, crop});
  return views;
}

std::vector<TestView> audio_test_views(double duration_s, double clip_s, int clips) {
  std::vector<TestView> views;
  for (double start : uniform_clip_starts(duration_s, clip_s, clips))
    views.push_back({static_cast<int>(views.size()), start, ""});
  return views;
}

}  // namespace avflow::eval
