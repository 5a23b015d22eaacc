// Parts of a catalogue for a job array: i/N parsed and checked, SLURM's
// array variables read, and the N parts together are every title once.
#include "libs/media/title_part.h"

#include <catch2/catch.hpp>
#include <cstdlib>
#include <set>

using namespace avflow::media;

namespace {

std::vector<Title> titles(int n) {
  std::vector<Title> out;
  for (int i = 0; i < n; ++i) {
    Title t;
    t.id = "t" + std::to_string(i);
    out.push_back(t);
  }
  return out;
}

struct SlurmEnv {
  SlurmEnv(const char* id, const char* count, const char* min) {
    ::setenv("SLURM_ARRAY_TASK_ID", id, 1);
    ::setenv("SLURM_ARRAY_TASK_COUNT", count, 1);
    if (min) ::setenv("SLURM_ARRAY_TASK_MIN", min, 1);
  }
  ~SlurmEnv() {
    ::unsetenv("SLURM_ARRAY_TASK_ID");
    ::unsetenv("SLURM_ARRAY_TASK_COUNT");
    ::unsetenv("SLURM_ARRAY_TASK_MIN");
    ::unsetenv("SLURM_ARRAY_TASK_STEP");
  }
};

}  // namespace

TEST_CASE("part i/N takes every N-th title from the i-th, and the parts together are all titles once",
          "[media][part]") {
  const auto p = parse_title_part("2/3");
  CHECK(p.index == 2);
  CHECK(p.count == 3);
  const auto second = take_part(titles(8), p);
  REQUIRE(second.size() == 3);
  CHECK(second[0].id == "t1");
  CHECK(second[1].id == "t4");
  CHECK(second[2].id == "t7");
  std::multiset<std::string> seen;
  for (int i = 1; i <= 3; ++i)
    for (const auto& t : take_part(titles(8), parse_title_part(std::to_string(i) + "/3"))) seen.insert(t.id);
  CHECK(seen.size() == 8);
  CHECK(std::set<std::string>(seen.begin(), seen.end()).size() == 8);
  CHECK(take_part(titles(2), parse_title_part("3/3")).empty());  // more parts than titles: some are empty
}

TEST_CASE("a part that is not i/N with 1 <= i <= N is refused", "[media][part][errors]") {
  for (const char* bad : {"0/4", "5/4", "2", "a/b", "1/0", "-1/2", "1/2/3"}) {
    INFO(bad);
    CHECK_THROWS_AS(parse_title_part(bad), std::invalid_argument);
  }
}

TEST_CASE("without a part, a SLURM job array's task chooses it", "[media][part]") {
  ::unsetenv("SLURM_ARRAY_TASK_ID");
  CHECK_FALSE(title_part("").has_value());
  {
    const SlurmEnv env("4", "4", "1");  // --array=1-4: the fourth task
    const auto p = title_part("");
    REQUIRE(p);
    CHECK(p->index == 4);
    CHECK(p->count == 4);
    CHECK(p->from == "SLURM_ARRAY_TASK_ID=4 of SLURM_ARRAY_TASK_COUNT=4");
    CHECK(title_part("1/2")->count == 2);  // an explicit part wins
  }
  {
    const SlurmEnv env("0", "2", nullptr);  // --array=0-1, SLURM_ARRAY_TASK_MIN unset: counted from 0
    CHECK(title_part("")->index == 1);
  }
  {
    const SlurmEnv env("9", "4", "0");  // --array=0-9:3, tasks 0, 3, 6, 9: the fourth
    ::setenv("SLURM_ARRAY_TASK_STEP", "3", 1);
    CHECK(title_part("")->index == 4);
    ::setenv("SLURM_ARRAY_TASK_STEP", "1", 1);  // 9 is then not one of 4 tasks from 0
    CHECK_THROWS_WITH(title_part(""), Catch::Contains("set part = \"i/N\""));
  }
}
