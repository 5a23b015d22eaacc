#include "libs/media/title_selection.h"

#include <algorithm>

#include "engine/log.h"
#include "libs/media/catalogue.h"

namespace avflow::media {

Param<std::string> catalogue_param(bool required) {
  const char* doc =
      "a .toml or .csv manifest, or a folder with movies/ and tv/ (a folder per show); relative to the working directory";
  return required ? Param<std::string>{"catalogue", kRequired, doc} : Param<std::string>{"catalogue", "", doc};
}
Param<std::string> split_param() {
  return {"split", "all", Choices{"all", "train", "held_out"}, "which titles: all, or one side of the show-level split"};
}
Param<int64_t> split_seed_param() { return {"seed", 0, "split seed"}; }
Param<double> held_out_fraction_param() {
  return {"held_out_fraction", 0.1, Range{0.0, 0.99}, "share of titles held out (whole shows)"};
}

std::vector<Title> select_titles(const TitleSelection& sel, const std::string& node) {
  Catalogue cat = load_catalogue(sel.catalogue);
  size_t episodes = 0;
  std::vector<std::string> shows;
  for (const auto& t : cat.titles) {
    if (!t.is_episode()) continue;
    ++episodes;
    shows.push_back(t.show);
  }
  std::sort(shows.begin(), shows.end());
  shows.erase(std::unique(shows.begin(), shows.end()), shows.end());
  AVFLOW_LOG(info) << node << ": " << cat.titles.size() << " titles in " << cat.source << " ("
                   << cat.titles.size() - episodes << " movies, " << episodes << " episodes of " << shows.size()
                   << " shows)";
  if (cat.ignored > 0) {
    AVFLOW_LOG(info) << node << ": skipped " << cat.ignored
                     << " entries of the folder that are not media files in movies/ or tv/<show>/ (--log-level debug "
                        "lists them)";
  }
  if (sel.split == "all") return std::move(cat.titles);
  Split s = split_catalogue(cat, sel.seed, sel.held_out_fraction);
  AVFLOW_LOG(info) << node << ": split (seed " << sel.seed << ", held_out_fraction " << sel.held_out_fraction
                   << "): " << s.train.size() << " train, " << s.held_out.size() << " held out; using " << sel.split;
  return sel.split == "train" ? std::move(s.train) : std::move(s.held_out);
}

}  // namespace avflow::media
