// include = [...]: graphs assembled from several files, relative to the file
// that names them; include cycles and missing files are errors at the include.
#include <unistd.h>

#include <catch2/catch.hpp>
#include <filesystem>
#include <fstream>

#include "engine/graph_loader.h"
#include "tests/support/test_operators.h"

using namespace avflow;
using namespace avflow::test;
namespace fs = std::filesystem;

namespace {

// A fresh directory under the system temp dir, removed at scope exit.
class TempDir {
 public:
  TempDir() {
    static int counter = 0;
    path_ = fs::temp_directory_path() /
            ("avflow_include_test_" + std::to_string(::getpid()) + "_" + std::to_string(counter++));
    fs::remove_all(path_);
    fs::create_directories(path_);
  }
  ~TempDir() {
    std::error_code ec;
    fs::remove_all(path_, ec);
  }
  std::string write(const std::string& rel, const std::string& text) const {
    fs::path p = path_ / rel;
    fs::create_directories(p.parent_path());
    std::ofstream(p) << text;
    return p.string();
  }
  std::string path(const std::string& rel) const { return (path_ / rel).lexically_normal().string(); }

 private:
  fs::path path_;
};

}  // namespace

TEST_CASE("included files contribute nodes, relative to the including file", "[include]") {
  TempDir dir;
  dir.write("parts/source.toml", R"(include = ["settings.toml"]
[[node]]
name = "src"
op = "test_counter"
count = 3
)");
  dir.write("parts/settings.toml", R"([graph]
name = "included-name"
max_in_flight = 3
)");
  std::string main = dir.write("main.toml", R"(include = ["parts/source.toml"]
[graph]
name = "main"

[[node]]
name = "out"
op = "test_collect"

[[edge]]
from = "src"
to = "out"
)");
  ResolvedGraph g = load_file(main);
  CHECK(g.file == main);
  CHECK(g.nodes.size() == 2);
  CHECK(g.settings.name == "main");        // the top-level file wins
  CHECK(g.settings.max_in_flight == 3);    // what it leaves unset comes from the include

  reset_test_state();
  Executor ex(g);
  REQUIRE(ex.run().status == RunStatus::kFinished);
  CHECK(Recorder::values("out") == std::vector<int64_t>{0, 1, 2});
}

TEST_CASE("errors inside an included file name that file", "[include]") {
  TempDir dir;
  std::string part = dir.write("part.toml", R"([[node]]
name = "src"
op = "test_counter"
count = "three"
)");
  std::string main = dir.write("main.toml", R"(include = ["part.toml"]
[[node]]
name = "out"
op = "test_collect"

[[edge]]
from = "src"
to = "out"
)");
  auto ds = file_errors(main);
  INFO(joined(ds));
  REQUIRE(ds.size() == 1);
  CHECK(ds[0].where.file == part);
  CHECK(ds[0].where.line == 4);
  CHECK(ds[0].where.column == 9);
  CHECK(ds[0].node == "src");
  CHECK(ds[0].message == "parameter 'count' expects int, got a string \"three\"");
}

TEST_CASE("a syntax error in an included file names that file", "[include]") {
  TempDir dir;
  std::string part = dir.write("part.toml", "[[node]]\nname = \"src\"\nop = = 3\n");
  std::string main = dir.write("main.toml", "include = [\"part.toml\"]\n");
  auto ds = file_errors(main);
  INFO(joined(ds));
  REQUIRE(ds.size() == 1);
  CHECK(ds[0].where.file == part);
  CHECK(ds[0].where.line == 3);
}

TEST_CASE("an include cycle is reported at the include that closes it", "[include]") {
  TempDir dir;
  std::string a = dir.write("a.toml", R"(include = ["b.toml"]
[[node]]
name = "src"
op = "test_counter"
)");
  std::string b = dir.write("b.toml", R"(# b includes a again
include = [
  "c.toml",
  "a.toml",
]
)");
  dir.write("c.toml", "");
  auto ds = file_errors(a);
  INFO(joined(ds));
  REQUIRE(ds.size() == 1);
  CHECK(ds[0].message == "include cycle: '" + a + "' includes itself");
  CHECK(ds[0].where.file == b);
  CHECK(ds[0].where.line == 4);
  CHECK(ds[0].where.column == 3);
}

TEST_CASE("a file including itself is a cycle", "[include]") {
  TempDir dir;
  std::string a = dir.write("self.toml", "include = [\"./self.toml\"]\n");
  auto ds = file_errors(a);
  INFO(joined(ds));
  REQUIRE(ds.size() == 1);
  CHECK(ds[0].message.find("include cycle") == 0);
  CHECK(ds[0].where.file == a);
  CHECK(ds[0].where.line == 1);
  CHECK(ds[0].where.column == 12);
}

TEST_CASE("a missing include is reported where it is named", "[include]") {
  TempDir dir;
  std::string main = dir.write("main.toml", R"(include = ["common.toml", "missing/nope.toml"]
[[node]]
name = "src"
op = "test_counter"

[[node]]
name = "out"
op = "test_collect"

[[edge]]
from = "src"
to = "out"
)");
  dir.write("common.toml", "");
  auto ds = file_errors(main);
  INFO(joined(ds));
  REQUIRE(ds.size() == 1);
  CHECK(ds[0].message == "included file '" + dir.path("missing/nope.toml") + "' does not exist");
  CHECK(ds[0].where.file == main);
  CHECK(ds[0].where.line == 1);
  CHECK(ds[0].where.column == 27);
}

TEST_CASE("a file included twice (a diamond) is read once", "[include]") {
  TempDir dir;
  dir.write("common.toml", R"([[node]]
name = "src"
op = "test_counter"
count = 2
)");
  dir.write("left.toml", "include = [\"common.toml\"]\n");
  dir.write("right.toml", "include = [\"common.toml\"]\n");
  std::string main = dir.write("main.toml", R"(include = ["left.toml", "right.toml"]
[[node]]
name = "out"
op = "test_collect"

[[edge]]
from = "src"
to = "out"
)");
  ResolvedGraph g = load_file(main);
  CHECK(g.nodes.size() == 2);  // no duplicate "src"
}
