// UCF101 (Soomro et al., 2012) in the layout it is distributed in:
//
//   VIDEOS/<Class>/v_<Class>_g<GG>_c<CC>.avi     UCF-101/ after unpacking
//   LISTS/classInd.txt       "1 ApplyEyeMakeup" ... "101 YoYo"
//   LISTS/trainlist0N.txt    "ApplyEyeMakeup/v_ApplyEyeMakeup_g08_c01.avi 1" (1-based class)
//   LISTS/testlist0N.txt     "ApplyEyeMakeup/v_ApplyEyeMakeup_g01_c01.avi"
//
// for splits N = 1, 2, 3 (ucfTrainTestlist/). Checked: classInd numbers its
// classes 1, 2, ... in order with distinct names; every listed file's folder
// is a class; a trainlist line's number is its folder's class; no file is in
// both lists; every file exists (LayoutOptions). Folder and file names are
// matched without regard to case when the exact name is missing, as the
// official lists spell some names differently from the archive
// (HandStandPushups / HandstandPushups).
#pragma once

#include <filesystem>

#include "libs/datasets/labelled_split.h"

namespace avflow::datasets {

// Throws DatasetError with every problem found, each at its file and line;
// std::invalid_argument for a split outside 1-3.
LabelledSplit read_ucf101(const std::filesystem::path& videos, const std::filesystem::path& lists, int split,
                          const LayoutOptions& options = {});

}  // namespace avflow::datasets
