// select_titles narrows a split to the genres asked for and to at most
// max_titles of them: a seeded subset, the same for a seed, kept in order.
#include <catch2/catch.hpp>

#include <algorithm>
#include <set>
#include <string>

#include "libs/media/title_selection.h"
#include "tests/support/process.h"

using namespace avflow::media;
using namespace avflow::test;

namespace {

// 30 movies, genres drama / comedy / mystery in turn.
std::string manifest(TempDir& dir) {
  const char* genres[] = {"drama", "comedy", "mystery"};
  std::string m;
  for (int i = 0; i < 30; ++i) {
    char id[16];
    std::snprintf(id, sizeof id, "m%02d", i);
    m += std::string("[[title]]\nid = \"") + id + "\"\npath = \"" + id + ".mkv\"\ngenre = \"" + genres[i % 3] + "\"\n\n";
  }
  return dir.write("catalogue.toml", m);
}

std::vector<std::string> ids(const std::vector<Title>& titles) {
  std::vector<std::string> out;
  for (const auto& t : titles) out.push_back(t.id);
  return out;
}

}  // namespace

TEST_CASE("titles are chosen by genre, then a seeded subset of max_titles in catalogue order", "[catalogue]") {
  TempDir dir;
  const std::string m = manifest(dir);
  TitleSelection sel{.catalogue = m, .genres = {"drama", "mystery"}};
  const auto two_genres = select_titles(sel, "test");
  CHECK(two_genres.size() == 20);
  for (const auto& t : two_genres) CHECK(t.genre != "comedy");

  sel.genres = {"comedy"};
  sel.max_titles = 4;
  sel.seed = 1;
  const auto some = ids(select_titles(sel, "test"));
  REQUIRE(some.size() == 4);
  CHECK(std::is_sorted(some.begin(), some.end()));
  for (const auto& id : some) CHECK((std::stoi(id.substr(1)) % 3) == 1);  // comedies only
  CHECK(ids(select_titles(sel, "test")) == some);                          // the same for a seed
  std::set<std::vector<std::string>> subsets;
  for (uint64_t seed = 0; seed < 8; ++seed) {
    sel.seed = seed;
    subsets.insert(ids(select_titles(sel, "test")));
  }
  CHECK(subsets.size() > 1);  // other seeds draw other subsets

  sel.max_titles = 50;  // more than there are: all of them
  CHECK(select_titles(sel, "test").size() == 10);
  sel.genres = {"western"};
  CHECK(select_titles(sel, "test").empty());
}
