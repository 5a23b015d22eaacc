// Tiny downstream data sets in the exact layouts of UCF101, HMDB51 and
// ESC-50 (ucf101_layout.h, hmdb51_layout.h, esc50_layout.h), made of real
// encoded media, so the evaluation graphs and their tests run without the
// real data sets (`avflow demo-datasets OUT`).
//
// Class k of C is easy to tell apart, by eye and by ear: a square of its own
// hue drifting in its own direction over a dark backdrop tinted with that
// hue, and a tone of its own pitch pulsing at its own rate. Each clip draws its start position,
// square size, backdrop shade, noise and loudness from the seed, so no two
// clips are alike.
//
//   OUT/ucf101/UCF-101/<Class>/v_<Class>_g<GG>_c01.avi    MJPEG + PCM, 160x120, 25 fps
//   OUT/ucf101/ucfTrainTestlist/classInd.txt, trainlist0N.txt, testlist0N.txt
//       group g is a test group of split N when (g - 1) % 3 == N - 1
//   OUT/hmdb51/hmdb51_org/<class>/<class>_<i>.avi
//   OUT/hmdb51/testTrainMulti_7030_splits/<class>_test_split<N>.txt
//       clip i: 2 (test) when i % 3 == N - 1, else 1 (training)
//   OUT/esc50/ESC-50-master/meta/esc50.csv, audio/<fold>-<src>-A-<target>.wav
//       5 s mono 44.1 kHz, `clips_per_class` / 5 (at least 1) clips per class and fold
#pragma once

#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

namespace avflow::demo {

struct DemoDatasetOptions {
  uint64_t seed = 0;
  int classes = 5;           // 2 to 12
  int clips_per_class = 6;   // video clips per class (UCF101 groups, HMDB51 clips)
  double seconds = 2.0;      // per video clip
  // Every clip's look and sound drawn from a random class, so that only the
  // direction of the square's drift tells a class: a test of whether an
  // encoder sees motion, not colour (video sets only; ESC-50 keeps its tones).
  bool motion_only = false;
};

// Class names in each data set's style: "DriftRed" (UCF101), "drift_red"
// (HMDB51), "tone_red" (ESC-50).
std::vector<std::string> demo_class_names(int classes, const std::string& style);

// Each writes its layout under `out` (created if missing) and returns the
// number of media files written. Throws std::invalid_argument for options
// out of range and std::runtime_error when encoding fails.
int write_demo_ucf101(const std::filesystem::path& out, const DemoDatasetOptions& options);
int write_demo_hmdb51(const std::filesystem::path& out, const DemoDatasetOptions& options);
int write_demo_esc50(const std::filesystem::path& out, const DemoDatasetOptions& options);

}  // namespace avflow::demo
