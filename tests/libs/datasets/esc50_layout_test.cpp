// ESC-50's meta/esc50.csv read into a 5-fold split (fold N tests), and bad
// rows named at their line.
#include <catch2/catch.hpp>
#include <filesystem>

#include "libs/datasets/esc50_layout.h"
#include "tests/libs/datasets/dataset_error_text.h"
#include "tests/support/process.h"

using namespace avflow::datasets;
using avflow::test::TempDir;

namespace {

const char* kHeader = "filename,fold,target,category,esc10,src_file,take\n";

struct Esc50 {
  TempDir dir;
  std::string root = dir.path() + "/ESC-50-master";
  explicit Esc50(const std::string& rows) {
    std::filesystem::create_directories(root + "/meta");
    dir.write("ESC-50-master/meta/esc50.csv", std::string(kHeader) + rows);
    for (int fold = 1; fold <= 5; ++fold)
      for (int target = 0; target < 2; ++target)
        dir.write("ESC-50-master/audio/" + std::to_string(fold) + "-100-A-" + std::to_string(target) + ".wav", "wav");
  }
};

std::string rows_of_two_classes() {
  std::string rows;
  for (int fold = 1; fold <= 5; ++fold)
    for (int target = 0; target < 2; ++target)
      rows += std::to_string(fold) + "-100-A-" + std::to_string(target) + ".wav," + std::to_string(fold) + "," +
              std::to_string(target) + "," + (target == 0 ? "dog" : "rain") + ",False,100,A\n";
  return rows;
}

}  // namespace

TEST_CASE("an ESC-50 split tests on one fold and trains on the other four", "[datasets][esc50]") {
  Esc50 e(rows_of_two_classes());
  const LabelledSplit s = read_esc50(e.root, 3);
  CHECK(s.classes == std::vector<std::string>{"dog", "rain"});
  CHECK(s.train.size() == 8);
  REQUIRE(s.test.size() == 2);
  CHECK(s.test[0].path == std::filesystem::path(e.root) / "audio/3-100-A-0.wav");
  CHECK(s.test[1].label == 1);
}

TEST_CASE("ESC-50 rows with bad folds, targets or fields are refused at their line", "[datasets][esc50]") {
  Esc50 e(rows_of_two_classes() +
          "6-1-A-0.wav,6,0,dog,False,1,A\n"        // line 12: fold 6
          "1-100-A-0.wav,1,0,dog,False,100,A\n"    // line 13: twice
          "2-5-A-0.wav,2,1,cat,False,5,A\n"        // line 14: target 1 is rain
          "2-6-A-0.wav,2,0,dog\n");                // line 15: too few fields
  const std::string problems = avflow::test::dataset_errors_of([&] { read_esc50(e.root, 1); });
  INFO(problems);
  CHECK_THAT(problems, Catch::Contains("esc50.csv:12: error: fold '6' is not 1 to 5"));
  CHECK_THAT(problems, Catch::Contains("esc50.csv:13: error: '1-100-A-0.wav' is listed twice"));
  CHECK_THAT(problems, Catch::Contains("esc50.csv:14: error: target 1 is 'cat' here but 'rain' at line 3"));
  CHECK_THAT(problems, Catch::Contains("esc50.csv:15: error: 4 fields where the header has 7"));
}

TEST_CASE("an ESC-50 table without a needed column or with a missing target is refused", "[datasets][esc50]") {
  Esc50 e("");
  e.dir.write("ESC-50-master/meta/esc50.csv", "filename,fold,category\n1-100-A-0.wav,1,dog\n");
  CHECK_THAT(avflow::test::dataset_errors_of([&] { read_esc50(e.root, 1); }),
             Catch::Contains("esc50.csv:1: error: the header has no 'target' column"));
  e.dir.write("ESC-50-master/meta/esc50.csv", std::string(kHeader) + "1-100-A-1.wav,1,1,rain,False,100,A\n");
  CHECK_THAT(avflow::test::dataset_errors_of([&] { read_esc50(e.root, 1); }), Catch::Contains("no clip has target 0"));
  CHECK_THROWS_AS(read_esc50(e.root, 6), std::invalid_argument);
}

TEST_CASE("an ESC-50 header that names a column twice is refused at line 1", "[datasets][esc50]") {
  // Found by fuzzing (tests/fuzz/corpus/dataset_layouts/crash-esc50-duplicate-column):
  // rows were checked against the distinct names, and a field index past
  // the row's end was read.
  Esc50 e("");
  e.dir.write("ESC-50-master/meta/esc50.csv",
              "filename,fold,target,category,,category,esc10\n1-100-A-0.wav,1,0,dog,,dog\n");
  CHECK_THAT(avflow::test::dataset_errors_of([&] { read_esc50(e.root, 1); }),
             Catch::Contains("esc50.csv:1: error: the header names the column 'category' twice"));
}
