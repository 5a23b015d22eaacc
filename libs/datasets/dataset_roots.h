// Where a data set's folders are under the `root` a user gives, in each of
// the ways people unpack the archives:
//
//   UCF101   ROOT/UCF-101/ and ROOT/ucfTrainTestlist/ (the parent of both), or
//            ROOT = the UCF-101 folder itself, its lists beside it or inside it
//   HMDB51   ROOT/hmdb51_org/ and ROOT/testTrainMulti_7030_splits/, or
//            ROOT = the hmdb51_org folder itself, its splits beside it or inside it
//   ESC-50   ROOT/ESC-50-master/ (or ROOT/ESC-50/), or ROOT = that folder itself
//            (ROOT/meta/esc50.csv)
//
// A root that matches none is refused with every layout looked for.
#pragma once

#include <filesystem>
#include <stdexcept>
#include <string>

namespace avflow::datasets {

struct DatasetFolders {
  std::filesystem::path videos;  // UCF-101/, hmdb51_org/, or ESC-50's root (meta/ and audio/)
  std::filesystem::path lists;   // ucfTrainTestlist/, testTrainMulti_7030_splits/; empty for ESC-50
};

class DatasetRootError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

DatasetFolders find_ucf101(const std::filesystem::path& root);
DatasetFolders find_hmdb51(const std::filesystem::path& root);
DatasetFolders find_esc50(const std::filesystem::path& root);

}  // namespace avflow::datasets
