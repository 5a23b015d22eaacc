// avflow probe, as a user runs it on a file and on a catalogue folder.
#include <catch2/catch.hpp>
#include <filesystem>

#include "tests/runtime/cli_fixture.h"
#include "tests/support/clap_flash_media.h"

using namespace avflow::test;
namespace fs = std::filesystem;

TEST_CASE("avflow probe FILE prints the streams and what decoding corrects", "[cli][probe]") {
  TempDir dir;
  const auto file = write_clap_flash(fs::path(dir.path()) / "late.mp4", {.format = "mp4 h264 aac", .audio_start_s = 0.5});
  const auto r = run_avflow({"probe", file.string(), "--fps", "25"});
  INFO(r.out << r.err);
  REQUIRE(r.exit_code == 0);
  CHECK(r.out.find("Quicktime") != std::string::npos);
  CHECK(r.out.find("H.264") != std::string::npos);
  CHECK(r.out.find("44100 Hz") != std::string::npos);
  CHECK(r.out.find("after the first frame: silence until then") != std::string::npos);
  CHECK(r.out.find("25 fps to") == std::string::npos);  // --fps 25: no frame-rate change to report
}

TEST_CASE("avflow probe --catalogue prints a row a title and counts those it cannot open", "[cli][probe]") {
  TempDir dir;
  fs::create_directories(dir.path() + "/movies");
  fs::create_directories(dir.path() + "/tv/show");
  write_clap_flash(dir.path() + "/movies/clap.mp4", {.format = "mp4 h264 aac"});
  write_clap_flash(dir.path() + "/tv/show/e01.ts", {.format = "ts h264 aac"});
  dir.write("movies/broken.mkv", "not a film at all");
  const auto r = run_avflow({"probe", "--catalogue", dir.path()});
  INFO(r.out << r.err);
  CHECK(r.exit_code == 1);
  CHECK(r.out.find("clap") != std::string::npos);
  CHECK(r.out.find("video shift 80 ms") != std::string::npos);
  CHECK(r.out.find("show/e01") != std::string::npos);
  CHECK(r.out.find("broken") != std::string::npos);
  CHECK(r.out.find("cannot be probed") != std::string::npos);
  CHECK(r.out.find("2 titles probed, 1 could not be") != std::string::npos);
}

TEST_CASE("avflow probe needs titles or a catalogue, not both", "[cli][probe]") {
  const auto none = run_avflow({"probe"});
  CHECK(none.exit_code == 2);
  CHECK(none.err.find("needs a FILE_OR_URI") != std::string::npos);
  const auto both = run_avflow({"probe", "a.mp4", "--catalogue", "x"});
  CHECK(both.exit_code == 2);
}
