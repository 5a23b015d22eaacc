#include <catch2/catch.hpp>
#include <filesystem>
#include <functional>

#include "libs/media/catalogue.h"
#include "tests/support/process.h"

using namespace avflow;
using namespace avflow::media;
using namespace avflow::test;
namespace fs = std::filesystem;

namespace {

// The diagnostics of the CatalogueError `f` throws.
std::vector<Diagnostic> errors_of(const std::function<void()>& f) {
  try {
    f();
  } catch (const CatalogueError& e) {
    return e.diagnostics();
  }
  FAIL("no CatalogueError thrown");
  return {};
}

std::string joined(const std::vector<Diagnostic>& ds) {
  std::string s;
  for (const auto& d : ds) s += d.str() + "\n";
  return s;
}

bool mentions(const std::vector<Diagnostic>& ds, const std::string& text) {
  return joined(ds).find(text) != std::string::npos;
}

std::string absolute(const std::string& p) { return fs::absolute(p).lexically_normal().string(); }

}  // namespace

TEST_CASE("a TOML manifest loads: relative paths resolved, URIs kept, show and genre optional", "[catalogue]") {
  TempDir dir;
  const std::string m = dir.write("lists/manifest.toml", R"([[title]]
id = "heat"
path = "../media/heat.mkv"
genre = "crime"

[[title]]
id = "friends-s01e01"
show = "friends"
uri = "https://example.org/friends/s01e01.mp4"

[[title]]
id = "abs"
path = "/data/abs.mp4"
)");
  Catalogue c = load_manifest(m);
  CHECK(c.source == m);
  REQUIRE(c.titles.size() == 3);
  const Title& heat = c.titles[0];
  CHECK(heat.id == "heat");
  CHECK(heat.uri == absolute(dir.path() + "/media/heat.mkv"));
  CHECK(heat.genre == "crime");
  CHECK_FALSE(heat.is_episode());
  CHECK(heat.origin == m + ":1");
  const Title& ep = c.titles[1];
  CHECK(ep.uri == "https://example.org/friends/s01e01.mp4");
  CHECK(ep.show == "friends");
  CHECK(ep.is_episode());
  CHECK(ep.genre.empty());
  CHECK(ep.origin == m + ":6");
  CHECK(c.titles[2].uri == "/data/abs.mp4");
  CHECK(describe(ep) == "title 'friends-s01e01' (episode of 'friends') https://example.org/friends/s01e01.mp4");
}

TEST_CASE("a TOML manifest reports every problem at once, each with file:line", "[catalogue]") {
  TempDir dir;
  const std::string m = dir.write("bad.toml", R"([[title]]
path = "a.mkv"
[[title]]
id = "b"
path = "b.mkv"
[[title]]
id = "b"
uri = "rtsp://example.org/b"
[[title]]
id = "c"
path = "c.mkv"
uri = "rtsp://example.org/c"
[[title]]
id = "d"
[[title]]
id = "e"
path = ""
[[title]]
id = "f"
path = "f.mkv"
gnere = "drama"
[[title]]
id = "g"
uri = "example.org/g.mp4"
)");
  auto ds = errors_of([&] { load_manifest(m); });
  INFO(joined(ds));
  CHECK(ds.size() == 7);
  CHECK(mentions(ds, m + ":1:1: error: title without an id"));
  CHECK(mentions(ds, m + ":7:1: error: duplicate id 'b' (first at " + m + ":4)"));
  CHECK(mentions(ds, m + ":12:1: error: title has both a path and a uri"));
  CHECK(mentions(ds, m + ":13:1: error: title has neither a path nor a uri"));
  CHECK(mentions(ds, m + ":17:1: error: 'path' is empty"));
  CHECK(mentions(ds, m + ":21:1: error: unknown key 'gnere' (did you mean 'genre'?)"));
  CHECK(mentions(ds, m + ":24:1: error: uri 'example.org/g.mp4' has no scheme"));
}

TEST_CASE("a TOML manifest with a syntax error, a wrong type or no titles is refused", "[catalogue]") {
  TempDir dir;
  const std::string syntax = dir.write("syntax.toml", "[[title]]\nid = \"a\npath = \"a.mkv\"\n");
  CHECK(mentions(errors_of([&] { load_manifest(syntax); }), syntax + ":2:"));
  const std::string typed = dir.write("typed.toml", "[[title]]\nid = 7\npath = \"a.mkv\"\n");
  CHECK(mentions(errors_of([&] { load_manifest(typed); }), typed + ":2:6: error: 'id' must be a string, not integer"));
  const std::string top = dir.write("top.toml", "[[titel]]\nid = \"a\"\npath = \"a.mkv\"\n");
  CHECK(mentions(errors_of([&] { load_manifest(top); }), "unknown top-level key 'titel' (did you mean 'title'?)"));
  const std::string empty = dir.write("empty.toml", "# nothing yet\n");
  CHECK(mentions(errors_of([&] { load_manifest(empty); }), empty + ": error: the manifest lists no titles"));
}

TEST_CASE("a CSV manifest loads: any column order, quoted fields, comments, CRLF", "[catalogue]") {
  TempDir dir;
  const std::string m = dir.write("set/titles.csv",
                                  "# the pretraining set\r\n"
                                  "genre, \"show\" ,id,path\r\n"
                                  "\r\n"
                                  "\"drama, crime\",,heat,\"movies/heat \"\"director's cut\"\".mkv\"\r\n"
                                  "  # a comment after blanks\r\n"
                                  ",friends,\"friends, s01e01\", tv/friends/s01e01.mkv \r\n");
  Catalogue c = load_manifest(m);
  REQUIRE(c.titles.size() == 2);
  CHECK(c.titles[0].id == "heat");
  CHECK(c.titles[0].genre == "drama, crime");
  CHECK(c.titles[0].show.empty());
  CHECK(c.titles[0].uri == absolute(dir.path() + "/set/movies/heat \"director's cut\".mkv"));
  CHECK(c.titles[0].origin == m + ":4");
  CHECK(c.titles[1].id == "friends, s01e01");
  CHECK(c.titles[1].show == "friends");
  CHECK(c.titles[1].genre.empty());
  CHECK(c.titles[1].uri == absolute(dir.path() + "/set/tv/friends/s01e01.mkv"));
}

TEST_CASE("a CSV manifest with both path and uri columns takes exactly one per row", "[catalogue]") {
  TempDir dir;
  const std::string m = dir.write("mixed.csv", "id,uri,path\nlive,rtsp://127.0.0.1:8554/live,\nfile,,f.mkv\n");
  Catalogue c = load_manifest(m);
  REQUIRE(c.titles.size() == 2);
  CHECK(c.titles[0].uri == "rtsp://127.0.0.1:8554/live");
  CHECK(c.titles[1].uri == absolute(dir.path() + "/f.mkv"));
}

TEST_CASE("a CSV manifest reports every bad row at once, each with file:line", "[catalogue]") {
  TempDir dir;
  const std::string m = dir.write("bad.csv",
                                  "# titles\n"
                                  "id,path,uri,show\n"
                                  "a,a.mkv,,\n"
                                  ",b.mkv,,\n"
                                  "c,,,\n"
                                  "d,d.mkv,rtsp://example.org/d,\n"
                                  "\"e,e.mkv,,\n"
                                  "f,\"f\"x.mkv,,\n"
                                  "a,a2.mkv,,\n"
                                  "g,g.mkv\n"
                                  "h,h\"x\".mkv,,\n");
  auto ds = errors_of([&] { load_manifest(m); });
  INFO(joined(ds));
  CHECK(ds.size() == 8);
  CHECK(mentions(ds, m + ":4: error: 'id' is empty"));
  CHECK(mentions(ds, m + ":5: error: title has neither a path nor a uri"));
  CHECK(mentions(ds, m + ":6: error: title has both a path and a uri"));
  CHECK(mentions(ds, m + ":7: error: malformed quoted field at column 1: no closing quote"));
  CHECK(mentions(ds, m + ":8: error: malformed quoted field at column 3: text after the closing quote"));
  CHECK(mentions(ds, m + ":9: error: duplicate id 'a' (first at " + m + ":3)"));
  CHECK(mentions(ds, m + ":10: error: 2 fields, but the header names 4 columns"));
  CHECK(mentions(ds, m + ":11: error: malformed field at column 3: a quote inside an unquoted field"));
}

TEST_CASE("a CSV header with unknown or missing columns is refused", "[catalogue]") {
  TempDir dir;
  const std::string m = dir.write("header.csv", "\nid,pth,show\na,a.mkv,\n");
  auto ds = errors_of([&] { load_manifest(m); });
  INFO(joined(ds));
  CHECK(ds.size() == 2);
  CHECK(mentions(ds, m + ":2: error: unknown column 'pth' (did you mean 'path'?)"));
  CHECK(mentions(ds, m + ":2: error: the header has neither a 'path' nor a 'uri' column"));
  const std::string bare = dir.write("bare.csv", "# only a comment\n");
  CHECK(mentions(errors_of([&] { load_manifest(bare); }), bare + ": error: no header line"));
}

TEST_CASE("a manifest that does not exist or has another extension is named", "[catalogue]") {
  TempDir dir;
  const std::string missing = dir.path() + "/nope.toml";
  CHECK(mentions(errors_of([&] { load_manifest(missing); }), missing + ": error: manifest does not exist"));
  const std::string json = dir.write("list.json", "[]");
  CHECK(mentions(errors_of([&] { load_manifest(json); }), json + ": error: a manifest is a .toml or .csv file"));
  CHECK(mentions(errors_of([&] { load_catalogue(json); }), json + ": error: not a catalogue"));
  CHECK(mentions(errors_of([&] { load_catalogue(dir.path() + "/gone"); }), "/gone: error: catalogue does not exist"));
  const std::string upper = dir.write("UPPER.CSV", "id,path\na,a.mkv\n");
  CHECK(load_catalogue(upper).titles.size() == 1);
}
