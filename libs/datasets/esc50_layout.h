// ESC-50 (Piczak, 2015) in the layout of its repository:
//
//   ROOT/meta/esc50.csv   filename,fold,target,category,esc10,src_file,take
//   ROOT/audio/<filename> 5-second mono .wav clips
//
// Five folds; split N tests on fold N and trains on the other four (the
// standard 5-fold protocol). Columns are found by the header's names, in any
// order (filename, fold, target and category are needed). Labels are the
// targets, 0 to C-1 with none missing; classes are named by their category.
// Checked: the header, a field per column on every line, folds 1-5, one
// category per target, no file twice, every file exists (LayoutOptions).
#pragma once

#include <filesystem>

#include "libs/datasets/labelled_split.h"

namespace avflow::datasets {

// Throws DatasetError with every problem found, each at its file and line;
// std::invalid_argument for a fold outside 1-5.
LabelledSplit read_esc50(const std::filesystem::path& root, int test_fold, const LayoutOptions& options = {});

}  // namespace avflow::datasets
