// Multi-view testing (DESIGN.md, "Downstream evaluation"): where the views
// of one test video or audio file lie.
//
// Video: `clips` clips uniformly spaced over the file (the first starts at
// 0, the last ends at the end; all at 0 when the file is shorter than a
// clip) times the three crops left, center and right: 10 x 3 = 30 views.
// Audio: the same clip starts, no crops: 10 views. Predictions of a file's
// views are averaged (multi_view_accuracy.h).
#pragma once

#include <string>
#include <vector>

namespace avflow::eval {

struct TestView {
  int index = 0;         // 0 .. views - 1, clip-major: clip * crops + crop
  double start_s = 0.0;  // where the clip starts in the file
  std::string crop;      // "left", "center", "right"; empty for audio
};

// Throws std::invalid_argument for clips < 1, a clip length <= 0 or a
// negative duration.
std::vector<double> uniform_clip_starts(double duration_s, double clip_s, int clips);

std::vector<TestView> video_test_views(double duration_s, double clip_s, int clips = 10);
std::vector<TestView> audio_test_views(double duration_s, double clip_s, int clips = 10);

}  // namespace avflow::eval
