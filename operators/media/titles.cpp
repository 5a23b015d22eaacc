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
//   part = "2/8"                        # one part of them (title_part.h); "": all, or the
//                                       # SLURM job array's task when set
//
// The catalogue is read in open(), so a bad manifest fails the run before
// any item, with every problem listed. A relative `catalogue` path is
// relative to the current working directory of the run (not to the graph
// file). Titles come in catalogue order for split = "all" (manifest order,
// or sorted by id for a folder) and sorted by id for a split, which is the
// show-level rule of split_catalogue (libs/media/catalogue.h): the same
// (seed, held_out_fraction) gives the same titles on every run.
#include <cstdint>
#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

#include "engine/log.h"
#include "engine/operator.h"
#include "engine/registry.h"
#include "libs/media/title.h"
#include "libs/media/title_part.h"
#include "libs/media/title_selection.h"

namespace avflow::ops {

using namespace avflow::media;

class Titles final : public Operator {
 public:
  static inline const Out<media::Title> kTitle{"title", "one title: id, show, URI, genre"};
  static inline const Param<std::string> kCatalogue = media::catalogue_param(/*required=*/true);
  static inline const Param<std::string> kSplit = media::split_param();
  static inline const Param<int64_t> kSeed = media::split_seed_param();
  static inline const Param<double> kHeldOutFraction = media::held_out_fraction_param();
  static inline const Param<std::string> kPart{
      "part", "",
      "i/N: the i-th of N parts of the titles (round robin), for a job array preparing into one folder; empty: all, "
      "or SLURM_ARRAY_TASK_ID / SLURM_ARRAY_TASK_COUNT when set"};
  static std::optional<ParamProblem> part_valid(const ParamSet& p) {
    if (p.get(kPart).empty()) return std::nullopt;
    try {
      media::parse_title_part(p.get(kPart));
      return std::nullopt;
    } catch (const std::invalid_argument&) {
      return ParamProblem{kPart.name(), "(\"" + p.get(kPart) + "\") must be i/N with 1 <= i <= N, e.g. \"2/8\""};
    }
  }
  AVFLOW_CONTRACT(kTitle, kCatalogue, kSplit, kSeed, kHeldOutFraction, kPart,
                  rule("part is i/N with 1 <= i <= N", &Titles::part_valid));

  void open(Context& ctx) override {
    titles_ = media::select_titles({ctx.param(kCatalogue), ctx.param(kSplit), static_cast<uint64_t>(ctx.param(kSeed)),
                                    ctx.param(kHeldOutFraction), {}, 0},
                                   ctx.node());
    if (const auto part = media::title_part(ctx.param(kPart))) {
      const size_t all = titles_.size();
      titles_ = media::take_part(std::move(titles_), *part);
      AVFLOW_LOG(info) << ctx.node() << ": part " << part->index << " of " << part->count << " (" << part->from
                       << "): " << titles_.size() << " of " << all << " titles";
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
