// What S- pairs: snippets of one title, or of one show whatever the
// episode, a movie being a group of its own.
#include <ATen/ATen.h>

#include <catch2/catch.hpp>

#include "libs/monitor/held_out_groups.h"
#include "libs/monitor/similarity_sets.h"

using namespace avflow::monitor;

namespace {

// Two episodes of show "s", a movie, an episode of show "t", and a movie
// named like show "s".
const std::vector<std::string> kTitles = {"s/e1", "s/e1", "s/e2", "s/e2", "film", "film", "t/e1", "t/e1", "s", "s"};
const std::vector<std::string> kShows = {"s", "s", "s", "s", "", "", "t", "t", "", ""};

}  // namespace

TEST_CASE("group = title numbers each title, episodes apart", "[monitor][groups]") {
  const std::vector<int64_t> expected{0, 0, 1, 1, 2, 2, 3, 3, 4, 4};
  CHECK(group_numbers(kTitles, kShows, GroupBy::kTitle) == expected);
}

TEST_CASE("group = show puts a show's episodes together and keeps movies apart", "[monitor][groups]") {
  const std::vector<int64_t> expected{0, 0, 0, 0, 1, 1, 2, 2, 3, 3};
  CHECK(group_numbers(kTitles, kShows, GroupBy::kShow) == expected);

  // Two snippets of each of two episodes of one show: by title, the other
  // episode's pairs are S!=; by show, they are S-.
  const at::Tensor z = at::eye(4, at::kDouble);
  const std::vector<std::string> titles{"s/e1", "s/e1", "s/e2", "s/e2"}, shows{"s", "s", "s", "s"};
  const SimilaritySets by_title = similarity_sets(z, z, group_numbers(titles, shows, GroupBy::kTitle));
  CHECK(by_title.same_group.size() == 4);
  CHECK(by_title.other_group.size() == 8);
  const SimilaritySets by_show = similarity_sets(z, z, group_numbers(titles, shows, GroupBy::kShow));
  CHECK(by_show.same_group.size() == 12);
  CHECK(by_show.other_group.empty());
}

TEST_CASE("group numbers refuse titles and shows of different lengths", "[monitor][groups]") {
  CHECK_THROWS_WITH(group_numbers({"a", "b"}, {""}, GroupBy::kShow), "held-out groups: titles and shows of 2 and 1 snippets");
}
