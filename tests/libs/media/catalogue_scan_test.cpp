#include <catch2/catch.hpp>
#include <filesystem>

#include "libs/media/catalogue.h"
#include "tests/support/process.h"

using namespace avflow;
using namespace avflow::media;
using namespace avflow::test;
namespace fs = std::filesystem;

namespace {

std::string scan_error(const std::string& root) {
  try {
    scan_directory(root);
  } catch (const CatalogueError& e) {
    return e.what();
  }
  FAIL("no CatalogueError thrown");
  return {};
}

}  // namespace

TEST_CASE("a folder scan finds movies and episodes by layout, sorted by id", "[catalogue]") {
  TempDir dir;
  // Written out of order: the result must not depend on directory order.
  for (const char* f : {"lib/tv/the wire/e1.webm", "lib/movies/heat.mkv", "lib/tv/friends/s01e02.mkv",
                        "lib/movies/Alien.MP4", "lib/tv/friends/s01e01.mkv"})
    dir.write(f, "");
  // Skipped: not media, hidden, a file directly in tv/, a folder too deep.
  for (const char* f : {"lib/movies/notes.txt", "lib/movies/.heat.mp4", "lib/tv/friends/cover.jpg", "lib/tv/readme.md",
                        "lib/tv/friends/season2/s02e01.mkv"})
    dir.write(f, "");
  const std::string root = dir.path() + "/lib";
  Catalogue c = scan_directory(root);
  CHECK(c.source == root);
  CHECK(c.ignored == 5);
  std::vector<std::string> ids, shows;
  for (const auto& t : c.titles) {
    ids.push_back(t.id);
    shows.push_back(t.show);
  }
  CHECK(ids == std::vector<std::string>{"Alien", "friends/s01e01", "friends/s01e02", "heat", "the wire/e1"});
  CHECK(shows == std::vector<std::string>{"", "friends", "friends", "", "the wire"});
  const std::string base = fs::absolute(root).lexically_normal().string();
  CHECK(c.titles[0].uri == base + "/movies/Alien.MP4");
  CHECK(c.titles[4].uri == base + "/tv/the wire/e1.webm");
  CHECK(c.titles[4].origin == c.titles[4].uri);
  // load_catalogue dispatches a folder to the scan.
  CHECK(load_catalogue(root).titles.size() == 5);
}

TEST_CASE("a folder scan needs only one of movies/ and tv/", "[catalogue]") {
  TempDir dir;
  dir.write("shows/tv/lost/pilot.ts", "");
  Catalogue c = scan_directory(dir.path() + "/shows");
  REQUIRE(c.titles.size() == 1);
  CHECK(c.titles[0].id == "lost/pilot");
  CHECK(c.titles[0].is_episode());
}

TEST_CASE("a folder without the movies/ + tv/ layout is refused, naming it and the layout", "[catalogue]") {
  TempDir dir;
  dir.write("flat/a.mp4", "");
  const std::string root = dir.path() + "/flat";
  const std::string e = scan_error(root);
  CHECK(e.find(root + ": error: neither movies/ nor tv/") != std::string::npos);
  CHECK(e.find("movies/<title>.<ext>") != std::string::npos);
  CHECK(e.find("tv/<show>/<episode>.<ext>") != std::string::npos);
  CHECK(scan_error(dir.path() + "/absent").find("catalogue folder does not exist") != std::string::npos);
  dir.write("nomedia/movies/readme.txt", "");
  CHECK(scan_error(dir.path() + "/nomedia").find("no media files") != std::string::npos);
}

TEST_CASE("two files with one stem are a duplicate id, naming both paths", "[catalogue]") {
  TempDir dir;
  const std::string a = dir.write("lib/movies/a.mp4", "");
  const std::string b = dir.write("lib/movies/a.mkv", "");
  dir.write("lib/movies/b.mkv", "");
  const std::string e = scan_error(dir.path() + "/lib");
  CHECK(e.find("duplicate id 'a'") != std::string::npos);
  CHECK(e.find(fs::absolute(a).lexically_normal().string()) != std::string::npos);
  CHECK(e.find(fs::absolute(b).lexically_normal().string()) != std::string::npos);
}
