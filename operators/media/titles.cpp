// titles: a source of the catalogue's titles, one per item, then end of
// stream.
//
//   [[node]]
//   name = "titles"
//   op = "titles"
//   catalogue = "data/catalogue.toml"   # or .csv, or a folder with movies/ and tv/
//   split = "train"                     # all | train | held_out
//   seed = 0
//   held_out_fraction = 0.1
//
// The catalogue is read in open(), so a bad manifest fails the run before
// any item, with every problem listed. A relative `catalogue` path is
// relative to the current working directory of the run (not to the graph
// file). Titles come in catalogue order for split = "all" (manifest order,
// or sorted by id for a folder) and sorted by id for a split, which is the
// show-level rule of split_catalogue (operators/media/catalogue.h): the same
// (seed, held_out_fraction) gives the same titles on every run.
#include <algorithm>
#include <cstdint>
#include <string>
#include <vector>

#include "engine/log.h"
#include "engine/operator.h"
#include "engine/registry.h"
#include "operators/media/catalogue.h"
#include "operators/media/title.h"

namespace avflow::ops {

class Titles final : public Operator {
 public:
  static inline const Out<media::Title> kTitle{"title", "one title: id, show, URI, genre"};
  static inline const Param<std::string> kCatalogue{
      "catalogue", kRequired,
      "a .toml or .csv manifest, or a folder with movies/ and tv/ (a folder per show); relative to the working directory"};
  static inline const Param<std::string> kSplit{"split", "all", Choices{"all", "train", "held_out"},
                                                "which titles: all, or one side of the show-level split"};
  static inline const Param<int64_t> kSeed{"seed", 0, "split seed"};
  static inline const Param<double> kHeldOutFraction{"held_out_fraction", 0.1, Range{0.0, 0.99},
                                                     "share of titles held out (whole shows)"};
  AVFLOW_CONTRACT(kTitle, kCatalogue, kSplit, kSeed, kHeldOutFraction);

  void open(Context& ctx) override {
    media::Catalogue cat = media::load_catalogue(ctx.param(kCatalogue));
    size_t episodes = 0;
    std::vector<std::string> shows;
    for (const auto& t : cat.titles) {
      if (!t.is_episode()) continue;
      ++episodes;
      shows.push_back(t.show);
    }
    std::sort(shows.begin(), shows.end());
    shows.erase(std::unique(shows.begin(), shows.end()), shows.end());
    AVFLOW_LOG(info) << ctx.node() << ": " << cat.titles.size() << " titles in " << cat.source << " ("
                     << cat.titles.size() - episodes << " movies, " << episodes << " episodes of " << shows.size()
                     << " shows)";
    if (cat.ignored > 0) {
      AVFLOW_LOG(info)
          << ctx.node() << ": skipped " << cat.ignored
          << " entries of the folder that are not media files in movies/ or tv/<show>/ (--log-level debug lists them)";
    }

    const std::string split = ctx.param(kSplit);
    if (split == "all") {
      titles_ = std::move(cat.titles);
    } else {
      const double fraction = ctx.param(kHeldOutFraction);
      media::Split s = media::split_catalogue(cat, static_cast<uint64_t>(ctx.param(kSeed)), fraction);
      AVFLOW_LOG(info) << ctx.node() << ": split (seed " << ctx.param(kSeed) << ", held_out_fraction " << fraction
                       << "): " << s.train.size() << " train, " << s.held_out.size() << " held out; emitting " << split;
      titles_ = split == "train" ? std::move(s.train) : std::move(s.held_out);
    }
    ctx.expect_items(titles_.size());
  }

  void process(Context& ctx) override {
    if (next_ >= titles_.size()) {
      ctx.end_of_stream();
      return;
    }
    ctx.emit(kTitle, std::move(titles_[next_++]));
  }

 private:
  std::vector<media::Title> titles_;
  size_t next_ = 0;
};

AVFLOW_REGISTER(Titles, "titles", "a source of catalogue titles (manifest or movies/ + tv/ folder), all or one split");

}  // namespace avflow::ops
