// write_file_atomically / write_text_atomically: a file is replaced whole or
// not at all, through a hidden temporary beside it that never outlives the
// call.
#include <catch2/catch.hpp>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <stdexcept>
#include <string>

#include "engine/atomic_file.h"
#include "tests/support/process.h"

using namespace avflow;
using namespace avflow::test;
namespace fs = std::filesystem;
using Catch::Matchers::Contains;

namespace {

std::string read(const fs::path& file) {
  std::ifstream in(file, std::ios::binary);
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

}  // namespace

TEST_CASE("a text is written whole and replaces the file before it", "[atomic_file]") {
  TempDir dir;
  const fs::path file = fs::path(dir.path()) / "latest";
  CHECK(partial_path_of(file) == fs::path(dir.path()) / ".latest.partial");
  write_text_atomically(file, "step-00000010\n");
  CHECK(read(file) == "step-00000010\n");
  write_text_atomically(file, "step-00000020\n");
  CHECK(read(file) == "step-00000020\n");
  CHECK_FALSE(fs::exists(partial_path_of(file)));
}

TEST_CASE("a write that fails leaves the file before it and no temporary", "[atomic_file]") {
  TempDir dir;
  const fs::path file = fs::path(dir.path()) / "state.txt";
  write_text_atomically(file, "old");
  CHECK_THROWS_WITH(write_file_atomically(file,
                                          [](const fs::path& temporary) {
                                            std::ofstream(temporary) << "half of the new";
                                            throw std::runtime_error("disk full");
                                          }),
                    "disk full");
  CHECK(read(file) == "old");
  CHECK_FALSE(fs::exists(partial_path_of(file)));
}

TEST_CASE("a file that cannot take the rename is refused by name and the temporary removed", "[atomic_file]") {
  TempDir dir;
  const fs::path file = fs::path(dir.path()) / "taken";
  fs::create_directories(file / "inside");  // a non-empty folder: rename cannot replace it
  CHECK_THROWS_WITH(write_text_atomically(file, "text"), Contains("cannot write '" + file.string() + "'"));
  CHECK(fs::is_directory(file / "inside"));
  CHECK_FALSE(fs::exists(partial_path_of(file)));
}

TEST_CASE("a text that cannot be written names the file", "[atomic_file]") {
  TempDir dir;
  const fs::path file = fs::path(dir.path()) / "no-such-folder" / "graph.toml";
  CHECK_THROWS_WITH(write_text_atomically(file, "text"), Contains("cannot write '" + file.string() + "'"));
  CHECK_FALSE(fs::exists(file));
}
