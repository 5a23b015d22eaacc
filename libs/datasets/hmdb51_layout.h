// HMDB51 (Kuehne et al., 2011) in the layout it is distributed in:
//
//   VIDEOS/<class>/<name>.avi                     hmdb51_org/ after unpacking
//   SPLITS/<class>_test_split<N>.txt              testTrainMulti_7030_splits/
//       "<name>.avi 1"   1: training, 2: test, 0: not used in split N
//
// for splits N = 1, 2, 3. The classes are the <class> names of the split-N
// files, in alphabetical order (labels 0-50). Checked: a split file per
// class, two fields a line with a mark of 0, 1 or 2, no name twice in a
// class's file, every used file exists (LayoutOptions); a class whose file
// lists no training or no test video is a problem.
#pragma once

#include <filesystem>

#include "libs/datasets/labelled_split.h"

namespace avflow::datasets {

// Throws DatasetError with every problem found, each at its file and line;
// std::invalid_argument for a split outside 1-3.
LabelledSplit read_hmdb51(const std::filesystem::path& videos, const std::filesystem::path& splits, int split,
                          const LayoutOptions& options = {});

}  // namespace avflow::datasets
