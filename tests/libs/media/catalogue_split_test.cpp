#include <algorithm>
#include <catch2/catch.hpp>
#include <cmath>
#include <map>
#include <random>
#include <set>
#include <stdexcept>

#include "libs/media/catalogue.h"

using namespace avflow;
using namespace avflow::media;

namespace {

Title movie(const std::string& id) { return Title{id, "", "/m/" + id + ".mkv", "", "test"}; }
Title episode(const std::string& show, int e) {
  const std::string id = show + "/e" + std::to_string(e);
  return Title{id, show, "/tv/" + id + ".mkv", "", "test"};
}

// 25 movies and 15 shows of 1 to 5 episodes: 40 units, 70 titles.
Catalogue forty_units() {
  Catalogue c;
  c.source = "forty";
  for (int m = 0; m < 25; ++m) c.titles.push_back(movie("movie" + std::to_string(m)));
  for (int s = 0; s < 15; ++s)
    for (int e = 0; e <= s % 5; ++e) c.titles.push_back(episode("show" + std::to_string(s), e));
  return c;
}

std::vector<std::string> ids(const std::vector<Title>& ts) {
  std::vector<std::string> out;
  for (const auto& t : ts) out.push_back(t.id);
  return out;
}

}  // namespace

TEST_CASE("a split is a function of (seed, fraction), not of the titles' order", "[catalogue][split]") {
  const Catalogue c = forty_units();
  REQUIRE(c.titles.size() == 70);
  const Split a = split_catalogue(c, 7, 0.1);
  const Split again = split_catalogue(c, 7, 0.1);
  CHECK(ids(a.train) == ids(again.train));
  CHECK(ids(a.held_out) == ids(again.held_out));

  Catalogue shuffled = c;
  std::shuffle(shuffled.titles.begin(), shuffled.titles.end(), std::mt19937(12345));
  REQUIRE(ids(shuffled.titles) != ids(c.titles));
  const Split s = split_catalogue(shuffled, 7, 0.1);
  CHECK(ids(s.train) == ids(a.train));
  CHECK(ids(s.held_out) == ids(a.held_out));

  CHECK(ids(split_catalogue(c, 8, 0.1).held_out) != ids(a.held_out));
}

TEST_CASE("a split partitions the titles, sorted by id, and never cuts a show", "[catalogue][split]") {
  const Catalogue c = forty_units();
  for (uint64_t seed : {0u, 1u, 2u, 3u, 99u}) {
    for (double f : {0.05, 0.1, 0.25, 0.5, 0.9}) {
      INFO("seed " << seed << ", fraction " << f);
      const Split s = split_catalogue(c, seed, f);
      CHECK(std::is_sorted(s.train.begin(), s.train.end(), [](auto& a, auto& b) { return a.id < b.id; }));
      CHECK(std::is_sorted(s.held_out.begin(), s.held_out.end(), [](auto& a, auto& b) { return a.id < b.id; }));
      std::vector<std::string> all = ids(s.train);
      for (const auto& id : ids(s.held_out)) all.push_back(id);
      std::sort(all.begin(), all.end());
      std::vector<std::string> expected = ids(c.titles);
      std::sort(expected.begin(), expected.end());
      CHECK(all == expected);

      std::map<std::string, std::set<bool>> sides;  // show -> sides its episodes are on
      for (const auto& t : s.train)
        if (t.is_episode()) sides[t.show].insert(false);
      for (const auto& t : s.held_out)
        if (t.is_episode()) sides[t.show].insert(true);
      for (const auto& [show, in] : sides) {
        INFO("show " << show);
        CHECK(in.size() == 1);
      }

      // Never above the target, and short of it by less than the largest unit (5).
      const auto target = static_cast<size_t>(std::llround(f * 70.0));
      CHECK(s.held_out.size() <= target);
      CHECK(s.held_out.size() + 5 > target);
    }
  }
}

TEST_CASE("fraction 0 holds nothing out, and a fraction outside 0 to 1 is refused", "[catalogue][split]") {
  const Catalogue c = forty_units();
  const Split s = split_catalogue(c, 3, 0.0);
  CHECK(s.held_out.empty());
  CHECK(s.train.size() == 70);
  CHECK_THROWS_AS(split_catalogue(c, 3, 1.0), std::invalid_argument);
  CHECK_THROWS_AS(split_catalogue(c, 3, 1.5), std::invalid_argument);
  CHECK_THROWS_AS(split_catalogue(c, 3, -0.1), std::invalid_argument);
  CHECK_THROWS_AS(split_catalogue(c, 3, std::nan("")), std::invalid_argument);
}

TEST_CASE("when every show is bigger than the target, the smallest is held out", "[catalogue][split]") {
  Catalogue c;
  for (auto [show, n] : {std::pair{"a", 10}, {"b", 8}, {"c", 12}})
    for (int e = 0; e < n; ++e) c.titles.push_back(episode(show, e));
  // Target round(0.1 * 30) = 3: no show fits, so show b (8) goes.
  const Split s = split_catalogue(c, 1, 0.1);
  REQUIRE(s.held_out.size() == 8);
  CHECK(s.held_out.front().show == "b");
  CHECK(s.train.size() == 22);
}

TEST_CASE("a split that leaves no training titles is an error", "[catalogue][split]") {
  // One title: fraction 0.5 has target round(0.5) = 1, the whole catalogue.
  Catalogue one;
  one.source = "one.toml";
  one.titles.push_back(movie("only"));
  try {
    split_catalogue(one, 0, 0.5);
    FAIL("no error");
  } catch (const CatalogueError& e) {
    CHECK(std::string(e.what()).find("one.toml: error: the split leaves no training titles") != std::string::npos);
  }
  // A smaller fraction rounds to target 0: everything trains.
  const Split s = split_catalogue(one, 0, 0.1);
  CHECK(s.train.size() == 1);
  CHECK(s.held_out.empty());
  // A catalogue that is one show cannot be split by show.
  Catalogue show;
  for (int e = 0; e < 6; ++e) show.titles.push_back(episode("solo", e));
  CHECK_THROWS_AS(split_catalogue(show, 0, 0.2), CatalogueError);
  CHECK(split_catalogue(show, 0, 0.0).train.size() == 6);
}
