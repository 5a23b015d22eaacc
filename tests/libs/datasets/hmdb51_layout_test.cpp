// HMDB51's <class>_test_splitN.txt files read into labelled lists (1:
// training, 2: test, 0: unused), and bad lines named at file and line.
#include <catch2/catch.hpp>
#include <filesystem>

#include "libs/datasets/hmdb51_layout.h"
#include "tests/libs/datasets/dataset_error_text.h"
#include "tests/support/process.h"

using namespace avflow::datasets;
using avflow::test::TempDir;

namespace {

struct Hmdb51 {
  TempDir dir;
  std::string videos = dir.path() + "/hmdb51_org", splits = dir.path() + "/testTrainMulti_7030_splits";
  Hmdb51() {
    std::filesystem::create_directories(splits);
    for (const std::string cls : {"brush_hair", "cartwheel"}) {
      std::string list;
      for (int i = 0; i < 3; ++i) {
        const std::string video = cls + "_clip" + std::to_string(i) + ".avi";
        dir.write("hmdb51_org/" + cls + "/" + video, "avi");
        list += video + " " + std::to_string(i) + " \n";  // marks 0, 1, 2; trailing space as in the real files
      }
      dir.write("testTrainMulti_7030_splits/" + cls + "_test_split1.txt", list);
    }
  }
};

}  // namespace

TEST_CASE("an HMDB51 split takes 1 as training, 2 as test and leaves 0 out", "[datasets][hmdb51]") {
  Hmdb51 h;
  const LabelledSplit s = read_hmdb51(h.videos, h.splits, 1);
  CHECK(s.classes == std::vector<std::string>{"brush_hair", "cartwheel"});
  REQUIRE(s.train.size() == 2);
  REQUIRE(s.test.size() == 2);
  CHECK(s.train[0].path == std::filesystem::path(h.videos) / "brush_hair/brush_hair_clip1.avi");
  CHECK(s.train[1].label == 1);
  CHECK(s.test[1].path.filename() == "cartwheel_clip2.avi");
}

TEST_CASE("HMDB51 split files with bad lines are refused at their file and line", "[datasets][hmdb51]") {
  Hmdb51 h;
  h.dir.write("testTrainMulti_7030_splits/cartwheel_test_split1.txt",
              "cartwheel_clip1.avi 1\ncartwheel_clip2.avi 3\ncartwheel_clip1.avi 2\ncartwheel_clip9.avi 2\n");
  const std::string problems = avflow::test::dataset_errors_of([&] { read_hmdb51(h.videos, h.splits, 1); });
  INFO(problems);
  CHECK_THAT(problems, Catch::Contains("cartwheel_test_split1.txt:2: error: expected '<video>.avi <0, 1 or 2>', found "
                                       "'cartwheel_clip2.avi 3'"));
  CHECK_THAT(problems, Catch::Contains("cartwheel_test_split1.txt:3: error: 'cartwheel_clip1.avi' is listed twice"));
  CHECK_THAT(problems, Catch::Contains("cartwheel_test_split1.txt:4: error: no video"));
  CHECK_THAT(problems, Catch::Contains("cartwheel_test_split1.txt: error: class 'cartwheel' has 1 training and 0 test"));
}

TEST_CASE("a folder without HMDB51 split files is refused", "[datasets][hmdb51]") {
  Hmdb51 h;
  const std::string problems = avflow::test::dataset_errors_of([&] { read_hmdb51(h.videos, h.splits, 2); });
  CHECK_THAT(problems, Catch::Contains("no <class>_test_split2.txt files"));
  CHECK_THROWS_AS(read_hmdb51(h.videos, h.splits, 0), std::invalid_argument);
}
