// UCF101's classInd / trainlist / testlist files read into labelled lists,
// and every kind of bad line named at its file and line.
#include <catch2/catch.hpp>
#include <filesystem>

#include "libs/datasets/ucf101_layout.h"
#include "tests/libs/datasets/dataset_error_text.h"
#include "tests/support/process.h"

using namespace avflow::datasets;
using avflow::test::TempDir;

namespace {

// Three classes, two videos each, in UCF-101/ and ucfTrainTestlist/ (CRLF
// line ends, as the official files have them).
struct Ucf101 {
  TempDir dir;
  std::string videos = dir.path() + "/UCF-101", lists = dir.path() + "/ucfTrainTestlist";
  Ucf101() {
    for (const char* cls : {"ApplyEyeMakeup", "Archery", "HandstandPushups"})
      std::filesystem::create_directories(videos + "/" + cls);
    for (const char* v : {"ApplyEyeMakeup/v_ApplyEyeMakeup_g01_c01.avi", "ApplyEyeMakeup/v_ApplyEyeMakeup_g08_c01.avi",
                          "Archery/v_Archery_g01_c01.avi", "Archery/v_Archery_g08_c01.avi",
                          "HandstandPushups/v_HandStandPushups_g01_c01.avi",
                          "HandstandPushups/v_HandStandPushups_g08_c01.avi"})
      dir.write("UCF-101/" + std::string(v), "avi");
    dir.write("ucfTrainTestlist/classInd.txt", "1 ApplyEyeMakeup\r\n2 Archery\r\n3 HandstandPushups\r\n");
    dir.write("ucfTrainTestlist/trainlist01.txt",
              "ApplyEyeMakeup/v_ApplyEyeMakeup_g08_c01.avi 1\r\nArchery/v_Archery_g08_c01.avi 2\r\n"
              "HandstandPushups/v_HandStandPushups_g08_c01.avi 3\r\n");
    dir.write("ucfTrainTestlist/testlist01.txt",
              "ApplyEyeMakeup/v_ApplyEyeMakeup_g01_c01.avi\r\nArchery/v_Archery_g01_c01.avi\r\n"
              "HandstandPushups/v_HandstandPushups_g01_c01.avi\r\n");  // case differs from the file, as in the real lists
  }
};

}  // namespace

TEST_CASE("a UCF101 split lists its training and test videos with 0-based labels", "[datasets][ucf101]") {
  Ucf101 u;
  const LabelledSplit s = read_ucf101(u.videos, u.lists, 1);
  CHECK(s.classes == std::vector<std::string>{"ApplyEyeMakeup", "Archery", "HandstandPushups"});
  REQUIRE(s.train.size() == 3);
  REQUIRE(s.test.size() == 3);
  CHECK(s.train[1].label == 1);
  CHECK(s.train[1].path == std::filesystem::path(u.videos) / "Archery/v_Archery_g08_c01.avi");
  // The test list's different case is resolved to the file on disk.
  CHECK(s.test[2].path.filename() == "v_HandStandPushups_g01_c01.avi");
  CHECK(s.test[2].label == 2);
}

TEST_CASE("UCF101 lists with bad lines are refused with every problem at its file and line", "[datasets][ucf101]") {
  Ucf101 u;
  u.dir.write("ucfTrainTestlist/trainlist01.txt",
              "ApplyEyeMakeup/v_ApplyEyeMakeup_g08_c01.avi 2\n"  // folder ApplyEyeMakeup is class 1
              "Archery/v_Archery_g08_c01.avi\n"                  // no class number
              "Archry/v_Archery_g02_c01.avi 2\n"                 // unknown folder
              "Archery/v_Archery_g09_c01.avi 2\n"                // no such file
              "Archery/v_Archery_g08_c01.avi 7\n");              // number out of range
  u.dir.write("ucfTrainTestlist/testlist01.txt", "Archery/v_Archery_g01_c01.avi\nArchery/v_Archery_g01_c01.avi\n");
  const std::string problems = avflow::test::dataset_errors_of([&] { read_ucf101(u.videos, u.lists, 1); });
  INFO(problems);
  CHECK_THAT(problems, Catch::Contains("trainlist01.txt:1: error: class number 2 is 'Archery' in classInd.txt, but the "
                                       "video is in folder 'ApplyEyeMakeup' (class 1)"));
  CHECK_THAT(problems, Catch::Contains("trainlist01.txt:2: error: expected '<Class>/<video>.avi <class number>'"));
  CHECK_THAT(problems, Catch::Contains("trainlist01.txt:3: error: 'Archry/v_Archery_g02_c01.avi' is not in a class "
                                       "folder of classInd.txt (did you mean 'Archery'?)"));
  CHECK_THAT(problems, Catch::Contains("trainlist01.txt:4: error: no video " + u.videos + "/Archery/v_Archery_g09_c01.avi"));
  CHECK_THAT(problems, Catch::Contains("trainlist01.txt:5: error: class number '7' is not one of classInd.txt's 1-3"));
  CHECK_THAT(problems, Catch::Contains("testlist01.txt:2: error: 'Archery/v_Archery_g01_c01.avi' is listed already "
                                       "(testlist01.txt:1)"));
}

TEST_CASE("a UCF101 class index out of order or with a repeated class is refused", "[datasets][ucf101]") {
  Ucf101 u;
  u.dir.write("ucfTrainTestlist/classInd.txt", "1 ApplyEyeMakeup\n3 Archery\n3 archery\n");
  const std::string problems = avflow::test::dataset_errors_of([&] { read_ucf101(u.videos, u.lists, 1, {.require_files = false}); });
  INFO(problems);
  CHECK_THAT(problems, Catch::Contains("classInd.txt:2: error: class number 3 where 2 comes next"));
  CHECK_THAT(problems, Catch::Contains("classInd.txt:3: error: class 'archery' is listed twice"));
}

TEST_CASE("a missing UCF101 list file is named, and splits are 1 to 3", "[datasets][ucf101]") {
  Ucf101 u;
  const std::string problems = avflow::test::dataset_errors_of([&] { read_ucf101(u.videos, u.lists, 2); });
  CHECK_THAT(problems, Catch::Contains("trainlist02.txt: error: cannot read the file: it does not exist"));
  CHECK_THAT(problems, Catch::Contains("testlist02.txt: error: cannot read the file: it does not exist"));
  CHECK_THROWS_AS(read_ucf101(u.videos, u.lists, 4), std::invalid_argument);
}
