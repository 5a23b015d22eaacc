// SceneDetector: shot cuts from frame colour histograms, and scenes from the
// shots, fed one frame at a time (prepare feeds it the frames it stores) in
// memory bounded by a few frames' histograms plus one histogram per shot.
//
// Shot cuts. d(k) is the histogram distance (colour_histogram.h) between
// frames k - 1 and k. Frame k starts a new shot when
//   1. d(k) >= cut_threshold, and
//   2. d(k) >= cut_ratio x the mean of d over the `context` frames on either
//      side of k (motion raises every d in a neighbourhood, a cut only one),
//   3. it is at least min_shot frames after the previous cut, and no frame in
//      the min_shot frames after k passes 1 and 2 with a larger d (a flash
//      or a two-frame dissolve yields one cut, at its sharpest step).
// Scenes (the overlapping-links rule). Each shot is summarised by its mean
// histogram. When shot i's mean is within scene_threshold of the mean of one
// of the scene_memory shots before it, say shot j, then shots j..i are one
// scene, whatever lies between them: a conversation cut back and forth
// between two set-ups (A B A B) stays one scene, and so does a cutaway. A
// shot that links back to none of them starts a new scene. scene_threshold
// = 0 makes every shot its own scene (unless two are identical).
#pragma once

#include <cstdint>
#include <deque>
#include <vector>

#include "libs/media/scene/colour_histogram.h"

namespace avflow::media::scene {

struct SceneRule {
  HistogramLayout layout{.rows = 3, .cols = 4, .levels = 4, .stride = 2};
  double cut_threshold = 0.12;
  double cut_ratio = 4.0;
  int context = 2;            // frames
  int min_shot = 3;           // frames
  double scene_threshold = 0.4;
  int scene_memory = 3;       // shots

  void check() const;  // throws std::invalid_argument naming the bad field
};

struct SceneCuts {
  int64_t frames = 0;
  std::vector<int64_t> shot_starts;   // first frame of every shot, starting with 0 (empty for no frames)
  std::vector<int64_t> scene_starts;  // first frame of every scene, a subset of shot_starts
  std::vector<double> distances;      // d(k) for k in [0, frames), d(0) = 0
};

class SceneDetector {
 public:
  explicit SceneDetector(SceneRule rule);

  // The next frame, uint8 [height, width, 3]; every frame the same size.
  void add_frame(const uint8_t* rgb, int64_t height, int64_t width);
  int64_t frames() const { return frames_; }

  // Decides the last frames and merges the shots into scenes.
  SceneCuts finish();

 private:
  struct Shot {
    int64_t first = 0;
    ColourHistogram sum;
    int64_t count = 0;
  };
  bool candidate(int64_t k) const;
  void decide(int64_t k);
  void add_to_shot(const ColourHistogram& h);
  std::vector<int64_t> merge_scenes() const;

  SceneRule rule_;
  int lookahead_ = 0;
  int64_t frames_ = 0;
  std::vector<double> d_;
  std::deque<ColourHistogram> pending_;  // frames [decided_, frames_)
  int64_t decided_ = 0;                  // frames before this one belong to a known shot
  int64_t last_cut_ = 0;
  std::vector<Shot> shots_;
};

// Scene starts in frames (of T-frame snippets, count of them) to the shard's
// scene starts: the snippet that holds most of the scene's first snippet-long
// span, i.e. round(frame / T), without 0 or repeats, below count.
std::vector<int64_t> scene_snippet_starts(const std::vector<int64_t>& scene_start_frames, int64_t frames_per_snippet,
                                          int64_t snippet_count);

}  // namespace avflow::media::scene
