// Data set roots as people unpack the archives: the parent of the layout's
// folders, or the videos' folder itself with its lists beside or inside it;
// a root that holds none names every layout looked for.
#include "libs/datasets/dataset_roots.h"

#include <catch2/catch.hpp>
#include <filesystem>
#include <fstream>

#include "tests/support/process.h"

using namespace avflow::datasets;
using avflow::test::TempDir;
namespace fs = std::filesystem;

namespace {

void touch(const fs::path& file) {
  fs::create_directories(file.parent_path());
  std::ofstream(file) << "x\n";
}

}  // namespace

TEST_CASE("UCF101 is found from its parent folder, or from UCF-101 itself with the lists beside or inside",
          "[datasets][roots]") {
  TempDir dir;
  const fs::path data = fs::path(dir.path()) / "ucf";
  fs::create_directories(data / "UCF-101" / "ApplyEyeMakeup");
  touch(data / "ucfTrainTestlist" / "classInd.txt");
  CHECK(find_ucf101(data).videos == data / "UCF-101");
  CHECK(find_ucf101(data).lists == data / "ucfTrainTestlist");
  const auto beside = find_ucf101(data / "UCF-101");
  CHECK(beside.videos == data / "UCF-101");
  CHECK(fs::equivalent(beside.lists, data / "ucfTrainTestlist"));
  CHECK(fs::equivalent(find_ucf101(data / "UCF-101" / "").lists, data / "ucfTrainTestlist"));  // a trailing slash

  const fs::path inside = fs::path(dir.path()) / "UCF-101";
  fs::create_directories(inside / "ApplyEyeMakeup");
  touch(inside / "ucfTrainTestlist" / "classInd.txt");
  CHECK(find_ucf101(inside).lists == inside / "ucfTrainTestlist");
}

TEST_CASE("HMDB51 is found from its parent folder or from hmdb51_org itself", "[datasets][roots]") {
  TempDir dir;
  const fs::path data = fs::path(dir.path()) / "hmdb";
  fs::create_directories(data / "hmdb51_org" / "brush_hair");
  touch(data / "testTrainMulti_7030_splits" / "brush_hair_test_split1.txt");
  CHECK(find_hmdb51(data).videos == data / "hmdb51_org");
  const auto beside = find_hmdb51(data / "hmdb51_org");
  CHECK(beside.videos == data / "hmdb51_org");
  CHECK(fs::equivalent(beside.lists, data / "testTrainMulti_7030_splits"));
}

TEST_CASE("ESC-50 is found from its parent folder or from ESC-50-master itself", "[datasets][roots]") {
  TempDir dir;
  const fs::path data = fs::path(dir.path()) / "esc";
  touch(data / "ESC-50-master" / "meta" / "esc50.csv");
  CHECK(find_esc50(data).videos == data / "ESC-50-master");
  CHECK(find_esc50(data / "ESC-50-master").videos == data / "ESC-50-master");
  const fs::path renamed = fs::path(dir.path()) / "renamed";
  touch(renamed / "ESC-50" / "meta" / "esc50.csv");
  CHECK(find_esc50(renamed).videos == renamed / "ESC-50");
}

TEST_CASE("a root holding no layout is refused with every layout looked for", "[datasets][roots][errors]") {
  TempDir dir;
  const fs::path empty = fs::path(dir.path()) / "downloads";
  fs::create_directories(empty / "UCF-101");  // the videos alone: the lists are missing
  try {
    find_ucf101(empty);
    FAIL("no error");
  } catch (const DatasetRootError& e) {
    const std::string why = e.what();
    CHECK(why.find("root " + empty.string() + " does not hold UCF101 in any layout avflow reads") != std::string::npos);
    CHECK(why.find((empty / "ucfTrainTestlist" / "classInd.txt").string() + " with " + (empty / "UCF-101").string()) !=
          std::string::npos);
    CHECK(why.find((fs::path(dir.path()) / "ucfTrainTestlist" / "classInd.txt").string()) != std::string::npos);
  }
  CHECK_THROWS_WITH(find_esc50(empty), Catch::Contains("ESC-50-master/meta/esc50.csv") &&
                                           Catch::Contains("ESC-50/meta/esc50.csv") &&
                                           Catch::Contains((empty / "meta" / "esc50.csv").string()));
}
