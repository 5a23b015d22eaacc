// The extended contrastive terms of temporal self-supervision: InfoNCE
// among video clips (contrastive_vv: the two clips of a pair, rows 2 i and
// 2 i + 1, are each other's positive) and between video and the temporally
// corresponding audio (contrastive_va: a clip's own audio, both ways), each
// with sample-dependent extras (libs/temporal/multi_positive_nce.h):
//
// - a queue of past embeddings per modality (queue_size, checkpointed with
//   the model): its entries are further candidates, and the `neighbours`
//   entries nearest to the anchor's positive are further positives
//   (contrastive_vv: nearest to the partner's video, or to the anchor's own
//   where the partner is a negative; contrastive_va, whose anchors meet the
//   other modality's queue: nearest to the anchor's own clip in that
//   modality, when that clip is its positive);
// - temporally transformed clips as negatives (transformed_negatives = 1):
//   a clip's own audio played the other way from its video, or the pair's
//   other clip at another speed or direction, is a negative instead of the
//   positive, so the embedding must tell playback apart; the anchor's
//   positives are then its queue neighbours alone (an anchor with none is
//   left out of the mean).
//
// With queue_size = 0 and transformed_negatives = 0 both are plain InfoNCE
// over the batch. Embeddings are l2-normalised and scores divided by tau.
// Each reports "<name>_accuracy": the share of this process's anchors whose
// most similar clip in the batch is the one the plain loss pairs them with
// (its own audio; its partner's video), chance 1 / B (1 / (B - 1) for vv).
//
//   loss_terms = ["contrastive_vv", "contrastive_va", ...]
//   loss_settings = ["contrastive_vv.queue_size=4096", "contrastive_va.neighbours=0"]
#include <ATen/ATen.h>
#include <torch/torch.h>

#include <limits>
#include <stdexcept>
#include <string>

#include "engine/plugin_api.h"
#include "libs/model/loss_term.h"
#include "libs/temporal/clip_labels.h"
#include "libs/temporal/embedding_queue.h"
#include "libs/temporal/multi_positive_nce.h"
#include "plugins/temporal_ssl/classification_term.h"

namespace avflow::temporal {
namespace {

using model::LossInputs;
using model::TermSetting;
using model::TermSettings;
using model::TermShape;

inline const std::string kTau = "tau", kQueueSize = "queue_size", kNeighbours = "neighbours",
                         kTransformedNegatives = "transformed_negatives";

std::vector<TermSetting> contrastive_settings() {
  return {{kTau, 0.1, 1e-3, 10.0, "temperature: scores are cosine similarities divided by it"},
          {kQueueSize, 8192, 0, 1 << 22,
           "past embeddings kept per modality (0: no queue); at least the batch: a step's embeddings go in together"},
          {kNeighbours, 5, 0, 1024, "queue entries nearest to the anchor's positive that count as positives too"},
          {kTransformedNegatives, 1, 0, 1,
           "1: a clip whose playback differs from the anchor's (speed, direction) is a negative, not its positive"}};
}

// One queue per modality the term reads, as the term's state.
class QueuesImpl : public torch::nn::Module {
 public:
  QueuesImpl(int64_t size, int64_t dim, bool audio) {
    video = register_module("video", EmbeddingQueue(size, dim));
    if (audio) this->audio = register_module("audio", EmbeddingQueue(size, dim));
  }
  EmbeddingQueue video{nullptr}, audio{nullptr};
};

// At open when the batch is known there, else at the first step.
void require_fit(const char* term, int64_t size, int64_t batch) {
  if (batch <= size) return;
  throw std::invalid_argument(std::string("loss_settings: ") + term + ".queue_size = " + std::to_string(size) +
                              " is smaller than the batch of " + std::to_string(batch) +
                              " clips, whose embeddings go into the queue together; give it at least " +
                              std::to_string(batch) + ", or 0 for no queue");
}

std::shared_ptr<torch::nn::Module> make_queues(const char* term, const TermShape& shape, const TermSettings& s,
                                               bool audio) {
  const auto size = static_cast<int64_t>(s.at(kQueueSize));
  if (size == 0) return nullptr;
  require_fit(term, size, shape.batch);
  return std::make_shared<QueuesImpl>(size, shape.embedding_dim, audio);
}

QueuesImpl* queues_of(const LossInputs& in) { return in.state ? dynamic_cast<QueuesImpl*>(in.state) : nullptr; }

void push(const char* term, EmbeddingQueue queue, const at::Tensor& rows) {
  require_fit(term, queue->size(), rows.size(0));
  queue->push(rows);
}

at::Tensor unit(const at::Tensor& x) { return x / x.norm(2, 1, true).clamp_min(1e-12); }

// The batch's unit embeddings and this process's rows of it, [first, first + n).
struct Batch {
  at::Tensor v, a;  // [B, d]; a undefined when the term reads video alone
  at::Tensor rows;  // int64 [n]
  int64_t first = 0, n = 0;
};

Batch batch_of(const LossInputs& in, bool audio) {
  Batch b;
  b.first = in.own.first;
  b.n = in.own.count < 0 ? in.video.size(0) : in.own.count;
  b.v = unit(in.video);
  if (audio) b.a = unit(in.audio);
  b.rows = at::arange(b.first, b.first + b.n, at::TensorOptions().dtype(at::kLong).device(b.v.device()));
  return b;
}

// One direction of the loss: own anchors against `others` [B, d] (the
// batch), whose row positive_row[i] is anchor i's positive where is_positive
// [n] says so and a negative otherwise; a queue's entries are candidates,
// and the `neighbours` nearest to keys[i] are positives too where
// key_held[i] says so.
at::Tensor one_way(const at::Tensor& anchors, const at::Tensor& others, const at::Tensor& positive_row,
                   const at::Tensor& is_positive, const at::Tensor& self_row, const at::Tensor& keys,
                   const at::Tensor& key_held, EmbeddingQueue queue, const TermSettings& s) {
  const int64_t n = anchors.size(0), b = others.size(0);
  at::Tensor scores = at::matmul(anchors, others.t());
  const at::Tensor columns = at::arange(b, positive_row.options()).unsqueeze(0);
  at::Tensor positive = columns.eq(positive_row.unsqueeze(1)) & is_positive.unsqueeze(1);
  // An anchor is never its own candidate (vv: the batch is its own modality).
  at::Tensor candidate = self_row.defined() ? columns.ne(self_row.unsqueeze(1)) : at::ones_like(positive);
  if (queue) {
    const at::Tensor bank = queue->values(), filled = queue->filled();
    const at::Tensor near =
        nearest_filled(keys.detach(), bank, filled, static_cast<int64_t>(s.at(kNeighbours))) & key_held.unsqueeze(1);
    scores = at::cat({scores, at::matmul(anchors, bank.t())}, 1);
    positive = at::cat({positive, near}, 1);
    candidate = at::cat({candidate, (filled > 0).unsqueeze(0).expand({n, bank.size(0)})}, 1);
  }
  return multi_positive_nce(scores, positive, candidate, s.at(kTau));
}

// The share of anchors [n, d] whose most similar row of `others` [B, d]
// (leaving out `self_row` where defined) is `target_row`.
at::Tensor batch_accuracy(const at::Tensor& anchors, const at::Tensor& others, const at::Tensor& target_row,
                          const at::Tensor& self_row) {
  at::Tensor scores = at::matmul(anchors, others.t());
  if (self_row.defined()) scores.scatter_(1, self_row.unsqueeze(1), -std::numeric_limits<float>::infinity());
  return scores.argmax(1).eq(target_row).to(at::kFloat).mean();
}

// Labels column `c` of this process's rows, as bool [n] on `device`.
at::Tensor label_column(const LossInputs& in, const char* term, int64_t c, int64_t n, const at::Device& device) {
  const at::Tensor& labels = clip_labels(in, term);
  if (labels.dim() != 2 || labels.size(0) != n || labels.size(1) < kClipLabels)
    throw std::invalid_argument(std::string("loss term '") + term + "': labels of " + std::to_string(labels.size(0)) +
                                " rows for " + std::to_string(n) + " clips; it needs temporal_transform's labels [B, " +
                                std::to_string(kClipLabels) + "]");
  return labels.select(1, c).to(device);
}

// What both terms share: settings, queues, and value and accuracy computed
// from one normalisation of the batch. `Term` gives kName, kAudio (whether
// it reads audio too), loss(in, batch) and accuracy(batch, out).
template <class Term>
class ContrastTerm : public model::LossTerm {
 public:
  at::Tensor compute(const LossInputs& in) const override { return Term::loss(in, batch_of(in, Term::kAudio)); }
  void observe(const LossInputs& in, model::StepValues& out) const override {
    Term::accuracy(batch_of(in, Term::kAudio), out);
  }
  at::Tensor compute_observed(const LossInputs& in, model::StepValues& out) const override {
    const Batch b = batch_of(in, Term::kAudio);
    Term::accuracy(b, out);
    return Term::loss(in, b);
  }
  bool reads_labels() const override { return true; }
  std::vector<TermSetting> settings() const override { return contrastive_settings(); }
  std::shared_ptr<torch::nn::Module> make_state(const TermShape& shape, const TermSettings& s) const override {
    return make_queues(Term::kName, shape, s, Term::kAudio);
  }
  void update(const LossInputs& in) const override {
    QueuesImpl* q = queues_of(in);
    if (!q) return;
    push(Term::kName, q->video, in.video);
    if (Term::kAudio) push(Term::kName, q->audio, in.audio);
  }
};

// contrastive_va: each clip's video and its own audio, both ways.
class VideoAudioContrast final : public ContrastTerm<VideoAudioContrast> {
 public:
  static constexpr const char* kName = "contrastive_va";
  static constexpr bool kAudio = true;

  static at::Tensor loss(const LossInputs& in, const Batch& b) {
    const TermSettings& s = *in.settings;
    const at::Tensor &v = b.v, &a = b.a, &rows = b.rows;
    const int64_t n = b.n;
    at::Tensor matched = at::ones({n}, rows.options().dtype(at::kBool));
    if (s.at(kTransformedNegatives) > 0)  // audio played the other way from the video: a negative
      matched = label_column(in, "contrastive_va", kVideoReversed, n, v.device())
                    .eq(label_column(in, "contrastive_va", kAudioReversed, n, v.device()));
    QueuesImpl* q = queues_of(in);
    const at::Tensor none;
    const at::Tensor own_v = v.index_select(0, rows), own_a = a.index_select(0, rows);
    // Neighbours in the audio queue of the clip's own audio, when it is the positive; and alike.
    const at::Tensor to_audio =
        one_way(own_v, a, rows, matched, none, own_a, matched, q ? q->audio : EmbeddingQueue(nullptr), s);
    const at::Tensor to_video =
        one_way(own_a, v, rows, matched, none, own_v, matched, q ? q->video : EmbeddingQueue(nullptr), s);
    return (to_audio + to_video) / 2;
  }
  static void accuracy(const Batch& b, model::StepValues& out) {
    torch::NoGradGuard no_grad;
    out["contrastive_va_accuracy"] = batch_accuracy(b.v.index_select(0, b.rows), b.a, b.rows, at::Tensor());
  }
};

// contrastive_vv: the video of a pair's two clips.
class VideoVideoContrast final : public ContrastTerm<VideoVideoContrast> {
 public:
  static constexpr const char* kName = "contrastive_vv";
  static constexpr bool kAudio = false;

  static at::Tensor loss(const LossInputs& in, const Batch& b) {
    const TermSettings& s = *in.settings;
    const int64_t first = b.first, n = b.n;
    if (first % 2 != 0 || n % 2 != 0)
      throw std::invalid_argument("loss term 'contrastive_vv': this process holds rows " + std::to_string(first) +
                                  " to " + std::to_string(first + n - 1) +
                                  "; pairs (rows 2 i, 2 i + 1) must not be split: give each process an even share");
    const at::Tensor &v = b.v, &rows = b.rows;
    const at::Tensor partner = rows.bitwise_xor(1);
    at::Tensor matched = at::ones({n}, rows.options().dtype(at::kBool));
    if (s.at(kTransformedNegatives) > 0) {  // the partner at another speed or direction: a negative
      const at::Tensor speed = label_column(in, "contrastive_vv", kSpeedClass, n, v.device());
      const at::Tensor reversed = label_column(in, "contrastive_vv", kVideoReversed, n, v.device());
      const at::Tensor local_partner = at::arange(n, rows.options()).bitwise_xor(1);
      matched = speed.eq(speed.index_select(0, local_partner)) & reversed.eq(reversed.index_select(0, local_partner));
    }
    QueuesImpl* q = queues_of(in);
    const at::Tensor anchors = v.index_select(0, rows);
    // Neighbours of the positive, the partner, where it is one (then its
    // own past embeddings count with it, not against it); of the anchor
    // itself where the partner is a negative (so its past ones count against).
    const at::Tensor keys = at::where(matched.unsqueeze(1), v.index_select(0, partner), anchors);
    return one_way(anchors, v, partner, matched, rows, keys, at::ones({n}, matched.options()),
                   q ? q->video : EmbeddingQueue(nullptr), s);
  }
  static void accuracy(const Batch& b, model::StepValues& out) {
    torch::NoGradGuard no_grad;
    out["contrastive_vv_accuracy"] = batch_accuracy(b.v.index_select(0, b.rows), b.v, b.rows.bitwise_xor(1), b.rows);
  }
};

}  // namespace
}  // namespace avflow::temporal

AVFLOW_REGISTER_EXTENSION(avflow::temporal::VideoVideoContrast, "contrastive_vv",
                          "InfoNCE between the video of a pair's two clips, with a queue's neighbours as positives and "
                          "differently played clips as negatives");
AVFLOW_REGISTER_EXTENSION(avflow::temporal::VideoAudioContrast, "contrastive_va",
                          "InfoNCE between a clip's video and its own audio (both ways), with a queue's neighbours as "
                          "positives and audio played the other way as a negative");
