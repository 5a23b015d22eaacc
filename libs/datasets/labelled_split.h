// A downstream data set's split, as the evaluation graphs consume it: the
// class names (index = label) and the labelled training and test files.
//
// Readers of the standard public layouts fill it (ucf101_layout.h,
// hmdb51_layout.h, esc50_layout.h). Every problem in a layout's files is
// collected and thrown at once as a DatasetError, one "file:line: error:
// ..." diagnostic each, so a user fixing a layout sees all of it.
#pragma once

#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

#include "engine/diagnostics.h"

namespace avflow::datasets {

struct LabelledFile {
  std::filesystem::path path;  // the video or audio file
  int64_t label = 0;           // 0-based index into LabelledSplit::classes
};

struct LabelledSplit {
  std::string dataset;               // "ucf101", "hmdb51", "esc50"
  int split = 1;                     // UCF101 / HMDB51: 1-3; ESC50: the test fold, 1-5
  std::vector<std::string> classes;  // by label
  std::vector<LabelledFile> train, test;
};

// A bad or incomplete layout; a GraphError so that the CLI prints its
// diagnostics like any other file error.
class DatasetError : public GraphError {
 public:
  using GraphError::GraphError;
};

// What the readers check beyond the list files themselves.
struct LayoutOptions {
  bool require_files = true;  // every listed video / audio file must exist
};

}  // namespace avflow::datasets
