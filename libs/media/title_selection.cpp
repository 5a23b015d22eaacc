#include "libs/media/title_selection.h"

#include <algorithm>

#include "engine/log.h"
#include "libs/media/catalogue.h"
#include "libs/random/item_random.h"

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

namespace {

std::string joined(const std::vector<std::string>& words) {
  std::string s;
  for (const auto& w : words) s += (s.empty() ? "" : ", ") + w;
  return s;
}

// The selection's genres, then a seeded subset of max_titles, in order.
std::vector<Title> narrow(std::vector<Title> titles, const TitleSelection& sel, const std::string& node) {
  if (!sel.genres.empty()) {
    const size_t before = titles.size();
    std::erase_if(titles, [&](const Title& t) {
      return std::find(sel.genres.begin(), sel.genres.end(), t.genre) == sel.genres.end();
    });
    AVFLOW_LOG(info) << node << ": " << titles.size() << " of " << before << " titles of genre " << joined(sel.genres);
  }
  if (sel.max_titles > 0 && titles.size() > static_cast<size_t>(sel.max_titles)) {
    // A partial Fisher-Yates shuffle of the positions picks the subset, the
    // same on every platform for a seed.
    std::vector<size_t> order(titles.size());
    for (size_t i = 0; i < order.size(); ++i) order[i] = i;
    random::ItemRandom draw(sel.seed, 0, 0, "max_titles");
    const size_t keep = static_cast<size_t>(sel.max_titles);
    for (size_t i = 0; i < keep; ++i)
      std::swap(order[i], order[static_cast<size_t>(draw.integer(static_cast<int64_t>(i),
                                                                  static_cast<int64_t>(order.size()) - 1))]);
    order.resize(keep);
    std::sort(order.begin(), order.end());
    std::vector<Title> kept;
    for (size_t i : order) kept.push_back(std::move(titles[i]));
    AVFLOW_LOG(info) << node << ": " << keep << " of " << titles.size() << " titles kept (max_titles, seed "
                     << sel.seed << ")";
    titles = std::move(kept);
  }
  return titles;
}

}  // namespace

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
  if (sel.split == "all") return narrow(std::move(cat.titles), sel, node);
  Split s = split_catalogue(cat, sel.seed, sel.held_out_fraction);
  AVFLOW_LOG(info) << node << ": split (seed " << sel.seed << ", held_out_fraction " << sel.held_out_fraction
                   << "): " << s.train.size() << " train, " << s.held_out.size() << " held out; using " << sel.split;
  return narrow(sel.split == "train" ? std::move(s.train) : std::move(s.held_out), sel, node);
}

}  // namespace avflow::media
