// sampler: the stream of (title, m) requests a training run reads, batch by
// batch, drawn by a sampling policy from the prepared shards' index.
//
//   [[node]]
//   name = "sampler"
//   op = "sampler"
//   shards = "prepared/"            # the folder prepare wrote
//   catalogue = "movies/"           # optional: sample its training split only
//   policy = "title_grouping"       # a sampling_policy plugin: `avflow ops sampler`
//   k = 16
//   w = 0                           # 0: M_n
//   batch_size = 512
//
// Emits the batch_size / world_size requests of this rank for every step, in
// batch order, each carrying its epoch, step and slot; ends after `epochs`
// epochs. Resuming at (start_epoch, start_step) continues exactly where an
// uninterrupted run would be (batch_sampler.h); `avflow run --resume` starts
// at the step of the latest checkpoint in the graph's checkpoint folder
// ([graph] checkpoints, where the trainer writes them). Items are numbered by their slot in the global batch
// from the start position on, so augmentation draws (seeded per item) match
// the uninterrupted run's, and a rank's match one process's. Rank and world
// size default to the RANK and WORLD_SIZE environment variables (torchrun's).
#include <cstdlib>

#include "engine/env_number.h"
#include "engine/error_budget.h"
#include "engine/log.h"
#include "engine/operator.h"
#include "engine/registry.h"
#include "engine/text_format.h"
#include "libs/media/snippet_request.h"
#include "libs/media/title_selection.h"
#include "libs/model/checkpoint_position.h"
#include "libs/sampling/batch_sampler.h"
#include "libs/sampling/prepared_index.h"

namespace avflow::ops {

using namespace avflow::media;
using namespace avflow::model;
using namespace avflow::sampling;

using sampling::SamplingPolicyFactory;

class Sampler final : public Operator {
 public:
  static inline const Out<media::SnippetRequest> kRequest{"request", "one snippet to read: title, m, epoch, step, slot"};
  static inline const Param<std::string> kShards{"shards", kRequired, "the folder of prepared shards (prepare's dir)"};
  static inline const Param<std::string> kCatalogue{
      "catalogue", "", "optional catalogue whose split is sampled; empty: every shard in `shards`"};
  static inline const Param<std::string> kSplit{"split", "train", Choices{"all", "train", "held_out"},
                                                "with a catalogue: which side of its show-level split"};
  static inline const Param<int64_t> kSplitSeed{"split_seed", 0, "with a catalogue: the split's seed"};
  static inline const Param<double> kHeldOutFraction = media::held_out_fraction_param();
  static inline const Param<std::vector<std::string>> kGenres{
      "genres", std::vector<std::string>{},
      "with a catalogue: only its titles of these genres (the catalogue's genre field); empty: every genre"};
  static inline const Param<int64_t> kMaxTitles{
      "max_titles", 0, Range{0, int64_t{1} << 30},
      "with a catalogue: at most this many of the chosen titles, a subset drawn by split_seed; 0: all"};
  static std::optional<ParamProblem> selection_needs_catalogue(const ParamSet& p) {
    if (!p.get(kCatalogue).empty() || (p.get(kGenres).empty() && p.get(kMaxTitles) == 0)) return std::nullopt;
    return ParamProblem{p.get(kGenres).empty() ? kMaxTitles.name() : kGenres.name(),
                        "chooses among a catalogue's titles, but catalogue is empty: set catalogue"};
  }
  static inline const Param<std::string> kPolicy{
      "policy", "title_grouping", "sampling policy: uniform, title_grouping, adjacent, scene_aware, temporal_clips, or a plugin's"};
  static inline const Param<int64_t> kK{"k", 16, Range{1, 1 << 20}, "snippets per title in a batch"};
  static inline const Param<int64_t> kW{"w", 0, Range{0, 1 << 30},
                                        "largest span max(m) - min(m) + 1 of a title's k snippets; 0: M_n"};
  static inline const Param<std::vector<int64_t>> kSpeeds{
      "speeds", std::vector<int64_t>{1, 2, 4, 8}, Range{1, 1 << 10},
      "clip-group policies (temporal_clips): the playback speeds a clip is drawn at, a clip of speed s reading s "
      "consecutive snippets; other policies ignore it"};
  static inline const Param<int64_t> kBatchSize{"batch_size", 512, Range{1, 1 << 24},
                                                "B, the global batch over all ranks"};
  static inline const Param<int64_t> kSeed{"seed", 0, "sampling seed"};
  static inline const Param<int64_t> kEpochs{"epochs", 1, Range{1, 1 << 20}, "epochs to emit"};
  static inline const Param<int64_t> kEpochSnippets{"epoch_snippets", 0, Range{0, int64_t{1} << 40},
                                                    "snippets per epoch; 0: every snippet of the index once"};
  static inline const Param<int64_t> kStartEpoch{"start_epoch", 0, Range{0, 1 << 20}, "resume: first epoch"};
  static inline const Param<int64_t> kStartStep{"start_step", 0, Range{0, int64_t{1} << 40},
                                                "resume: first step within start_epoch"};
  static inline const Param<bool> kResumes{
      "resumes", true,
      "with `avflow run --resume`, start at the step of the graph's latest checkpoint; false for a fixed sample "
      "read whole in every run (the KL monitor's held-out one)"};
  static inline const Param<int64_t> kRank{"rank", -1, Range{-1, 1 << 16}, "this process's rank; -1: $RANK or 0"};
  static inline const Param<int64_t> kWorldSize{"world_size", 0, Range{0, 1 << 16},
                                                "processes sharing each batch; 0: $WORLD_SIZE or 1"};
  static inline const ErrorPolicyParams kOnError{
      {OnError::kFail, 0.01,
       "with a catalogue, a title prepare skipped (its reason recorded beside the shards): refuse to start, or "
       "skip it (the titles left out are named in one line and counted)",
       "with skip: titles left out before the sampler refuses to start: a count (>= 1), or a fraction of the "
       "titles chosen (< 1)"}};

  // The parameter a policy's check() message is about: its first word.
  static std::string parameter_named_by(const std::string& why) {
    const std::string first = why.substr(0, why.find_first_of(" :"));
    return first == "k" || first == "speeds" ? first : "w";
  }

  // What can be checked before anything runs: a known policy, its own
  // parameter rules, and whole groups in every batch and rank's share.
  static std::vector<ParamProblem> check(const ParamSet& p, const Registry& registry) {
    const SamplingPolicyFactory* policy = registry.extension<SamplingPolicyFactory>(sampling::kSamplingPolicyKind,
                                                                                  p.get(kPolicy));
    if (!policy) {
      std::string known;
      for (const auto* e : registry.extensions(sampling::kSamplingPolicyKind))
        known += (known.empty() ? "" : ", ") + e->name;
      return {{"policy", "names no sampling policy ('" + p.get(kPolicy) + "'); known: " +
                             (known.empty() ? "none (are the sampler plugins in build/plugins?)" : known)}};
    }
    const sampling::PolicyParams params{p.get(kK), p.get(kW), p.get(kSpeeds)};
    if (std::string why = policy->check(params); !why.empty())
      return {{parameter_named_by(why), "is refused by policy '" + p.get(kPolicy) + "': " + why}};
    const int64_t group = policy->group_size(params);
    if (p.get(kBatchSize) % group != 0)
      return {{"batch_size", "(" + std::to_string(p.get(kBatchSize)) + ") is not divisible by k = " +
                                 std::to_string(group) + ": a batch holds B / k whole titles"}};
    return {};
  }
  AVFLOW_CONTRACT(kRequest, kShards, kCatalogue, kSplit, kSplitSeed, kHeldOutFraction, kGenres, kMaxTitles, kPolicy,
                  kK, kW, kSpeeds, kBatchSize, kSeed, kEpochs, kEpochSnippets, kStartEpoch, kStartStep, kResumes, kRank,
                  kWorldSize, kOnError, ParamsCheck{&Sampler::check},
                  rule("genres and max_titles need a catalogue", &Sampler::selection_needs_catalogue),
                  Publishes{.name = "steps_per_epoch", .doc = "optimiser steps in one epoch (a trainer's schedule)"},
                  Publishes{.name = "rank_batch_size", .doc = "this process's share of every batch (batch nodes)"},
                  Publishes{.name = "first_step", .doc = "the step of the first batch (a trainer checks it resumed there)"},
                  Publishes{.name = "epoch_snippets", .doc = "snippets per epoch (the KL monitor's sample)"},
                  Publishes{.name = "title_group",
                            .doc = "snippets of one title a batch keeps together, consecutive (k; 1 for uniform)"});

  void open(Context& ctx) override {
    index_ = load_index(ctx);
    if (!index_.skipped.empty()) leave_out_skipped(ctx);
    const auto* policy = Registry::global().extension<SamplingPolicyFactory>(sampling::kSamplingPolicyKind,
                                                                            ctx.param(kPolicy));
    if (!policy) throw std::runtime_error("no sampling policy '" + ctx.param(kPolicy) + "'");
    auto plan = policy->plan(index_, {ctx.param(kK), ctx.param(kW), ctx.param(kSpeeds)});
    if (plan->skipped_titles() > 0) {
      AVFLOW_LOG(warn) << ctx.node() << ": " << plan->skipped_titles() << " of " << index_.titles.size()
                       << " titles have fewer than k = " << ctx.param(kK) << " snippets and are not sampled";
    }
    sampling::SamplerConfig config;
    config.batch_size = ctx.param(kBatchSize);
    config.seed = static_cast<uint64_t>(ctx.param(kSeed));
    config.epoch_snippets = ctx.param(kEpochSnippets);
    config.rank = ctx.param(kRank) >= 0 ? ctx.param(kRank) : env_whole_number("RANK", 0, kMaxRanks).value_or(0);
    config.world_size =
        ctx.param(kWorldSize) > 0 ? ctx.param(kWorldSize) : env_whole_number("WORLD_SIZE", 1, kMaxRanks).value_or(1);
    sampler_ = std::make_unique<sampling::BatchSampler>(std::move(plan), config, index_.total_snippets());
    const int64_t steps_per_epoch = sampler_->steps_per_epoch();
    ctx.publish("steps_per_epoch", steps_per_epoch);
    ctx.publish("rank_batch_size", sampler_->rank_batch_size());
    ctx.publish("epoch_snippets", steps_per_epoch * config.batch_size);
    ctx.publish("title_group", sampler_->plan().group_size());
    sampling::SamplerPosition start{ctx.param(kStartEpoch), ctx.param(kStartStep)};
    if (ctx.resuming() && ctx.param(kResumes) && !ctx.checkpoints().empty()) {
      const int64_t resumed = model::latest_checkpoint_step(ctx.checkpoints());
      AVFLOW_LOG(info) << ctx.node() << ": resuming at step " << resumed << " of " << ctx.checkpoints();
      start = {resumed / steps_per_epoch, resumed % steps_per_epoch};
    }
    sampler_->seek(start);  // refuses a start_step beyond the epoch
    const int64_t first_step = start.epoch * steps_per_epoch + start.step;
    ctx.publish("first_step", first_step);
    // Items are numbered by their slot in the global batch, so a rank's
    // per-item draws (crops, flips, masks) are those one process would make.
    const int64_t share = sampler_->rank_batch_size();
    ctx.number_items({static_cast<uint64_t>(first_step * config.batch_size + config.rank * share),
                      static_cast<uint64_t>(share), static_cast<uint64_t>(config.batch_size)});
    end_epoch_ = ctx.param(kEpochs);
    const int64_t steps_left = end_epoch_ * steps_per_epoch - first_step;
    ctx.expect_items(static_cast<size_t>(std::max<int64_t>(0, steps_left) * sampler_->rank_batch_size()));
    AVFLOW_LOG(info) << ctx.node() << ": " << sampler_->plan().summary() << "; " << sampler_->steps_per_epoch()
                     << " steps of " << config.batch_size << " per epoch, rank " << config.rank << " of "
                     << config.world_size << ", from " << sampler_->position().str();
  }

  void process(Context& ctx) override {
    const sampling::SamplerPosition at = sampler_->position();
    if (at.epoch >= end_epoch_) {
      ctx.end_of_stream();
      return;
    }
    picks_.clear();
    sampler_->next(picks_);
    for (size_t i = 0; i < picks_.size(); ++i) {
      media::SnippetRequest r;
      r.title = index_.titles[static_cast<size_t>(picks_[i].title)].id;
      r.index = picks_[i].m;
      r.span = picks_[i].span;
      r.epoch = at.epoch;
      r.step = at.step;
      r.slot = static_cast<int64_t>(i);
      ctx.emit(kRequest, std::move(r));
    }
  }

 private:
  static sampling::SamplingIndex load_index(Context& ctx) {
    if (ctx.param(kCatalogue).empty()) return sampling::load_prepared_index(ctx.param(kShards));
    std::vector<std::string> ids;
    for (const auto& t : media::select_titles({ctx.param(kCatalogue), ctx.param(kSplit),
                                               static_cast<uint64_t>(ctx.param(kSplitSeed)),
                                               ctx.param(kHeldOutFraction), ctx.param(kGenres),
                                               ctx.param(kMaxTitles)},
                                              ctx.node()))
      ids.push_back(t.id);
    if (ids.empty() && !ctx.param(kGenres).empty())
      throw sampling::SamplingError("the " + ctx.param(kSplit) + " split of " + ctx.param(kCatalogue) +
                                    " holds no titles of the genres asked for (genres); check the catalogue's genre "
                                    "field");
    if (ids.empty())
      throw sampling::SamplingError("the " + ctx.param(kSplit) + " split of " + ctx.param(kCatalogue) +
                                    " holds no titles; lower held_out_fraction or use another split");
    return sampling::load_prepared_index(ctx.param(kShards), &ids);
  }

  // Titles prepare could not read: refused (on_error = fail), or left out
  // with one line naming them, as long as the error budget allows.
  void leave_out_skipped(Context& ctx) const {
    const auto& skipped = index_.skipped;
    const size_t chosen = index_.titles.size() + skipped.size();
    std::string names;
    for (size_t i = 0; i < skipped.size() && i < 5; ++i)
      names += (i ? "; '" : "'") + skipped[i].id + "' (" + skipped[i].reason + ")";
    if (skipped.size() > 5) names += "; and " + std::to_string(skipped.size() - 5) + " more";
    const std::string what = std::to_string(skipped.size()) + " of the " + std::to_string(chosen) +
                             " titles chosen from " + ctx.param(kCatalogue) + " were skipped by prepare: " + names;
    if (ctx.param(kOnError.on_error) == OnError::kFail)
      throw sampling::SamplingError(what + "; fix them and run prepare again, or set on_error = \"skip\" to "
                                           "sample without them");
    for (size_t i = 0; i < skipped.size(); ++i) ctx.count_error();
    if (skipped.size() > errors_allowed(ctx.param(kOnError.max_errors), chosen))
      throw sampling::SamplingError(what + "; more than max_errors = " + shortest_double(ctx.param(kOnError.max_errors)) +
                                    " allows");
    if (index_.titles.empty()) throw sampling::SamplingError(what + "; no title is left to sample");
    AVFLOW_LOG(warn) << ctx.node() << ": left out (on_error = skip): " << what;
  }

  static constexpr int64_t kMaxRanks = 1 << 20;

  sampling::SamplingIndex index_;
  std::unique_ptr<sampling::BatchSampler> sampler_;
  int64_t end_epoch_ = 1;
  std::vector<sampling::Pick> picks_;
};

AVFLOW_REGISTER(Sampler, "sampler", "batches of (title, m) requests drawn by a sampling policy plugin");

}  // namespace avflow::ops
