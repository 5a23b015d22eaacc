// Fuzz target: the list files of the downstream data sets in their public
// layouts -- UCF101 (classInd.txt, trainlist0N.txt, testlist0N.txt), HMDB51
// (<class>_test_splitN.txt) and ESC-50 (meta/esc50.csv).
//
// Input: one byte choosing the data set (low two bits: 0 UCF101, 1 HMDB51,
// 2 and 3 ESC-50) and the split or fold (the next bits), then the files in
// the "==> NAME" packing of fuzz_files.h. The listed videos are not
// required to exist (LayoutOptions::require_files = false), so the readers'
// own parsing and checks are what runs.
// Must hold: a reader returns a split or throws DatasetError; nothing else
// escapes.
#include <cstdint>
#include <string_view>

#include "libs/datasets/esc50_layout.h"
#include "libs/datasets/hmdb51_layout.h"
#include "libs/datasets/ucf101_layout.h"
#include "tests/fuzz/fuzz_files.h"

namespace ds = avflow::datasets;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  static const avflow::fuzz::ScratchDir dir;
  if (size == 0) return 0;
  const int which = data[0] & 3;
  const std::string_view input(reinterpret_cast<const char*>(data + 1), size - 1);
  dir.clear();
  const std::string folder = which == 0 ? "lists" : which == 1 ? "splits" : "meta";
  const std::string first = which == 0 ? "classInd.txt" : which == 1 ? "a_test_split1.txt" : "esc50.csv";
  for (const auto& [name, text] : avflow::fuzz::split_files(input, first)) dir.write(folder + "/" + name, text);
  ds::LayoutOptions options;
  options.require_files = false;
  try {
    if (which == 0) {
      ds::read_ucf101(dir.path() / "videos", dir.path() / "lists", 1 + (data[0] >> 2) % 3, options);
    } else if (which == 1) {
      ds::read_hmdb51(dir.path() / "videos", dir.path() / "splits", 1 + (data[0] >> 2) % 3, options);
    } else {
      ds::read_esc50(dir.path(), 1 + (data[0] >> 2) % 5, options);
    }
  } catch (const ds::DatasetError&) {
    // a bad layout: every problem at its file and line
  }
  return 0;
}
