#include <catch2/catch.hpp>

#include <set>

#include "tests/support/policy_fixtures.h"

using namespace avflow;
using namespace avflow::test;

TEST_CASE("scene_aware draws a title's k snippets from the scene of a random anchor", "[sampling][scene_aware]") {
  auto index = index_of({100, 100});
  index.titles[0].has_scenes = true;
  index.titles[0].scene_starts = {10, 40, 45, 80};
  const int64_t k = 8;
  auto p = plan("scene_aware", index, k, 20);
  // Scenes of title 0; [40, 45) is shorter than k and widens evenly to [39, 47).
  const std::vector<std::pair<int64_t, int64_t>> windows{{0, 10}, {10, 40}, {39, 47}, {45, 80}, {80, 100}};
  std::vector<double> used(windows.size(), 0);
  for (int b = 0; b < 5000; ++b) {
    const auto batch = draw_batch(*p, b, 2);
    for (size_t g = 0; g < batch.size(); g += k) {
      std::set<int64_t> ms;
      for (int64_t i = 0; i < k; ++i) ms.insert(batch[g + i].m);
      REQUIRE(ms.size() == static_cast<size_t>(k));
      if (batch[g].title == 1) {  // no scenes: a window of w = 20
        REQUIRE(*ms.rbegin() - *ms.begin() + 1 <= 20);
        continue;
      }
      size_t in = windows.size();
      for (size_t w = 0; w < windows.size(); ++w)
        if (*ms.begin() >= windows[w].first && *ms.rbegin() < windows[w].second) in = w;
      REQUIRE(in < windows.size());
      used[in] += 1;
    }
  }
  // A scene is chosen in proportion to its length (the anchor is uniform).
  double total = 0;
  for (double u : used) total += u;
  CHECK(chi_square(used, {total * 0.10, total * 0.30, total * 0.05, total * 0.35, total * 0.20}) <
        chi_square_bound(4));
}

TEST_CASE("scene_aware says how many titles have scenes", "[sampling][scene_aware]") {
  auto index = index_of({100, 100, 5});
  index.titles[1].has_scenes = true;
  auto p = plan("scene_aware", index, 8);
  CHECK(p->summary() == "scene_aware k = 8 over 2 titles (1 with scenes; the others use w = M_n)");
  CHECK(p->skipped_titles() == 1);
}
