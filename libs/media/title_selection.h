// Which titles a source reads: a catalogue (manifest or folder) and a side of
// its show-level split. Shared by the titles and decode operators, which
// declare the same parameters through the functions below.
#pragma once

#include <string>
#include <vector>

#include "engine/params.h"
#include "libs/media/title.h"

namespace avflow::media {

struct TitleSelection {
  std::string catalogue;       // manifest or folder
  std::string split = "all";   // all | train | held_out
  uint64_t seed = 0;
  double held_out_fraction = 0.1;
  // Within the split: only titles of these genres (empty: every title), and
  // at most max_titles of them (0: all), a subset drawn by `seed` and kept
  // in order. The genre experiment trains on one genre's titles, as many as
  // every other genre's.
  std::vector<std::string> genres;
  int64_t max_titles = 0;
};

Param<std::string> catalogue_param(bool required);
Param<std::string> split_param();
Param<int64_t> split_seed_param();
Param<double> held_out_fraction_param();

// Loads the catalogue, logs what it holds (as `node`) and returns the titles
// of the chosen split (in catalogue order for "all", sorted by id otherwise),
// narrowed to the genres and max_titles asked for.
// Throws CatalogueError listing every problem of the manifest or folder.
std::vector<Title> select_titles(const TitleSelection& selection, const std::string& node);

}  // namespace avflow::media
