// kl_monitor: the paper's discrepancy measures on held-out titles (DESIGN.md,
// "KL monitor"), measured on model snapshots while training runs.
//
//   [[node]]
//   name = "kl"
//   op = "kl_monitor"
//   sample = 64          # held-out snippets: the held-out sampler's epoch_snippets
//
//   [[edge]]  from = "train.model"        to = "kl.model"     # train_step snapshot_every = N
//   [[edge]]  from = "heldout.snippet"    to = "kl.snippet"   # a shard_reader behind a sampler
//   [[edge]]  from = "heldout_clip.out"   to = "kl.video"     #   with split = "held_out"; centre
//   [[edge]]  from = "heldout_mel.mel"    to = "kl.audio"     #   crops, no flip, jitter or mask
//
// (graphs/parts/kl_monitor.toml wires all of it.) The held-out branch
// delivers each snippet's title, clip and mel image; they are joined by item
// number and kept, in item order, as the fixed sample. Each model snapshot
// (a copy of the trained model, so training is not disturbed) embeds the
// sample in evaluation mode without gradients once the sample is complete
// (snapshots that arrive earlier wait), and one row is emitted per snapshot:
//
//   kl_minus_plus   KL(S- || S+)       kl_other_plus  KL(S!= || S+)
//   kl_minus_other  KL(S- || S!=)      kl_gap         KL(S!= || S+) - KL(S- || S+)
//   s_plus_mean / _std, s_minus_mean / _std, s_other_mean / _std   each set's moments
//   kl_seconds      the measurement's cost (embedding and measures)
//
// Density estimate: histograms with `bins` shared bins over the pooled range
// of the three sets and `smoothing` added to every bin (kl_divergence.h).
#include <chrono>
#include <deque>
#include <map>
#include <memory>
#include <stdexcept>

#include "engine/log.h"
#include "engine/operator.h"
#include "engine/payloads/scalars.h"
#include "engine/payloads/tensor.h"
#include "engine/registry.h"
#include "libs/media/snippet.h"
#include "libs/model/model_snapshot.h"
#include "libs/monitor/held_out_embedding.h"
#include "libs/monitor/similarity_sets.h"

namespace avflow::ops {

using namespace avflow::media;
using namespace avflow::model;
using namespace avflow::monitor;

class KlMonitor final : public Operator {
 public:
  static inline const In<model::ModelSnapshot> kModel{"model", "snapshots of the trained model (train_step's model port)"};
  static inline const In<media::Snippet> kSnippet{"snippet", "each held-out snippet (its title)"};
  static inline const In<Tensor> kVideo{"video", "each held-out clip, float [3, T, H, W], prepared as for training"};
  static inline const In<Tensor> kAudio{"audio", "each held-out mel image, float [1, mels, frames]"};
  static inline const Out<Scalars> kMeasures{
      "measures", "per snapshot: the four KL measures, each set's mean and std, and the cost in seconds"};
  static inline const Param<int64_t> kSample{
      "sample", 0, Range{0, 1 << 20},
      "held-out snippets to expect; 0: the epoch_snippets of the sampler upstream of `snippet`; measuring starts "
      "once all arrived"};
  static inline const Param<int64_t> kBatch{"batch", 64, Range{1, 1 << 16}, "snippets per forward pass"};
  static inline const Param<int64_t> kBins{"bins", 64, Range{2, 1 << 16}, "histogram bins over the pooled range"};
  static inline const Param<double> kSmoothing{"smoothing", 0.5, Range{1e-9, 1e6}, "pseudo-count added to every bin"};

  static std::optional<ParamProblem> sample_big_enough(const ParamSet& p) {
    if (p.get(kSample) == 0 || p.get(kSample) >= 4) return std::nullopt;
    return ParamProblem{kSample.name(), "is " + std::to_string(p.get(kSample)) +
                                            ": the sets need 4 snippets at least (two titles with two each); 0 takes "
                                            "the held-out sampler's epoch_snippets"};
  }
  AVFLOW_CONTRACT(kModel, kSnippet, kVideo, kAudio, kMeasures, kSample, kBatch, kBins, kSmoothing,
                  rule("sample is 0 or at least 4", &KlMonitor::sample_big_enough),
                  Reads{.name = "epoch_snippets", .param = "sample", .port = "snippet",
                        .doc = "the held-out sample's size"});

  void open(Context& ctx) override {
    const int64_t sample = ctx.param_or_read(kSample);
    // A sample set by hand must be the sampler's: found now, not after the
    // whole training ran.
    if (const auto published = ctx.published("epoch_snippets"); published && *published != sample)
      throw std::invalid_argument("sample = " + std::to_string(sample) + " but the sampler upstream of `snippet` emits " +
                                  std::to_string(*published) + " snippets an epoch; set sample = 0 to take it");
    if (sample < 4)
      throw std::invalid_argument("the held-out sample holds " + std::to_string(sample) +
                                  " snippets; the sets need 4 at least");
    expected_ = static_cast<size_t>(sample);
    batch_ = ctx.param(kBatch);
    histogram_ = {.bins = ctx.param(kBins), .smoothing = ctx.param(kSmoothing)};
  }

  void process(Context& ctx) override {
    if (ctx.has(kModel)) {
      waiting_.push_back(ctx.share_input(kModel));
    } else {
      if (complete()) throw std::runtime_error(more_than_sample());
      Parts& parts = parts_[ctx.item()];
      if (ctx.has(kSnippet)) parts.title = ctx.input(kSnippet).title;
      else if (ctx.has(kVideo)) parts.video = ctx.input(kVideo).get();
      else parts.audio = ctx.input(kAudio).get();
      if (parts.whole()) ++whole_;
      if (whole_ > expected_) throw std::runtime_error(more_than_sample());
      if (complete()) seal(ctx);
    }
    if (sealed_) measure_waiting(ctx);
  }

  void finish(Context& ctx) override {
    if (!sealed_ && !waiting_.empty())
      throw std::runtime_error("the held-out branch delivered " + std::to_string(whole_) + " whole snippets of the " +
                               std::to_string(expected_) + " in `sample`; set sample to the held-out sampler's " +
                               "epoch_snippets (" + std::to_string(waiting_.size()) + " snapshot(s) not measured)");
    measure_waiting(ctx);
  }

 private:
  struct Parts {
    std::string title;
    at::Tensor video, audio;
    bool whole() const { return !title.empty() && video.defined() && audio.defined(); }
  };

  bool complete() const { return sealed_ || (whole_ == expected_ && parts_.size() == expected_); }

  std::string more_than_sample() const {
    return "the held-out branch delivered more than the " + std::to_string(expected_) +
           " snippets in `sample`; set sample to the held-out sampler's epoch_snippets";
  }

  // The sample is complete: fix it in item order, titles numbered by name.
  void seal(const Context& ctx) {
    std::map<std::string, int64_t> title_numbers;
    for (auto& [item, parts] : parts_) {
      const auto number = title_numbers.emplace(parts.title, static_cast<int64_t>(title_numbers.size())).first->second;
      sample_.titles.push_back(number);
      sample_.video.push_back(std::move(parts.video));
      sample_.audio.push_back(std::move(parts.audio));
    }
    parts_.clear();
    sealed_ = true;
    AVFLOW_LOG(info) << ctx.node() << ": held-out sample of " << sample_.size() << " snippets from "
                     << title_numbers.size() << " titles";
    if (title_numbers.size() < 2)
      throw std::runtime_error("the held-out sample holds " + std::to_string(title_numbers.size()) +
                               " title(s); S!= needs two at least (more held-out titles, or a lower k)");
  }

  void measure_waiting(Context& ctx) {
    while (!waiting_.empty()) {
      const auto snapshot = std::move(waiting_.front());
      waiting_.pop_front();
      ctx.emit(kMeasures, measure(*snapshot));
    }
  }

  Scalars measure(const model::ModelSnapshot& snapshot) {
    const auto start = std::chrono::steady_clock::now();
    const HeldOutEmbeddings z = embed_held_out(*snapshot.model.ptr(), sample_, batch_);
    const KlMeasures m = kl_measures(similarity_sets(z.video, z.audio, sample_.titles), histogram_);
    const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    Scalars row;
    row.step = snapshot.step;
    row.values = {{"epoch", snapshot.epoch},
                  {"kl_minus_plus", m.minus_plus},
                  {"kl_other_plus", m.other_plus},
                  {"kl_minus_other", m.minus_other},
                  {"kl_gap", m.gap},
                  {"s_plus_mean", m.plus.mean},
                  {"s_plus_std", m.plus.stddev},
                  {"s_minus_mean", m.minus.mean},
                  {"s_minus_std", m.minus.stddev},
                  {"s_other_mean", m.other.mean},
                  {"s_other_std", m.other.stddev},
                  {"kl_seconds", seconds}};
    return row;
  }

  size_t expected_ = 0, whole_ = 0;
  int64_t batch_ = 64;
  HistogramOptions histogram_;
  std::map<uint64_t, Parts> parts_;  // by item number, until the sample is complete
  bool sealed_ = false;
  HeldOutSample sample_;
  std::deque<std::shared_ptr<const model::ModelSnapshot>> waiting_;
};

AVFLOW_REGISTER(KlMonitor, "kl_monitor",
                "KL(S- || S+), KL(S!= || S+), KL(S- || S!=) of a held-out sample, per model snapshot");

}  // namespace avflow::ops
