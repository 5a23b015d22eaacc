// The pairwise order terms of temporal self-supervision: whether the second
// clip of a pair (rows 2 i and 2 i + 1, as temporal_clips places them)
// overlaps the first, comes after it or comes before it
// (libs/temporal/clip_pair.h), told from the two clips' features together.
// order_vv pairs the video of both clips, order_aa their audio, order_va the
// first clip's video with the second's audio. A pair's logit for a class is
// the first clip's bias in the first place plus the second clip's in the
// second, plus the dot product of their factors there (pretext_tasks.h): a
// classifier over the concatenated pair features that can also compare the
// two clips. Each is the cross-entropy against the pairs' order classes, the
// mean over this process's pairs, and reports "<name>_accuracy" (chance 1/3).
//
//   heads = ["order_video", "order_audio"]
//   loss_terms = ["contrastive", "order_vv", "order_aa", "order_va"]
#include <ATen/ATen.h>

#include <stdexcept>
#include <string>

#include "engine/plugin_api.h"
#include "libs/model/loss_term.h"
#include "libs/temporal/clip_pair.h"
#include "plugins/temporal_ssl/classification_term.h"
#include "plugins/temporal_ssl/pretext_tasks.h"

namespace avflow::temporal {
namespace {

using model::LossInputs;
using model::StepValues;

struct OrderPairing {
  const char* name;
  const char* first_head;   // the first clip's modality
  const char* second_head;  // the second clip's
  bool cross;               // the two differ: the heads' "other" places
};

inline constexpr OrderPairing kVideoVideo{"order_vv", "order_video", "order_video", false};
inline constexpr OrderPairing kAudioAudio{"order_aa", "order_audio", "order_audio", false};
inline constexpr OrderPairing kVideoAudio{"order_va", "order_video", "order_audio", true};

template <const OrderPairing& kPairing>
class OrderLoss final : public model::LossTerm {
 public:
  at::Tensor compute(const LossInputs& in) const override {
    const auto [logits, target] = logits_and_target(in);
    return at::cross_entropy_loss(logits, target);
  }
  std::vector<std::string> heads() const override {
    if (std::string(kPairing.first_head) == kPairing.second_head) return {kPairing.first_head};
    return {kPairing.first_head, kPairing.second_head};
  }
  bool reads_labels() const override { return true; }
  void observe(const LossInputs& in, StepValues& out) const override {
    const auto [logits, target] = logits_and_target(in);
    report_accuracy(kPairing.name, logits, target, out);
  }
  // In a step: the pairs' classes built (on the CPU, from the spans) once.
  at::Tensor compute_observed(const LossInputs& in, StepValues& out) const override {
    const auto [logits, target] = logits_and_target(in);
    report_accuracy(kPairing.name, logits, target, out);
    return at::cross_entropy_loss(logits, target);
  }

 private:
  // [pairs, 3] logits and [pairs] order classes.
  static std::pair<at::Tensor, at::Tensor> logits_and_target(const LossInputs& in) {
    const at::Tensor& spans = clip_labels(in, kPairing.name);
    const at::Tensor first = places(in, kPairing.first_head), second = places(in, kPairing.second_head);
    const int64_t clips = first.size(0);
    if (clips % 2 != 0 || spans.dim() != 2 || spans.size(0) != clips || spans.size(1) < kClipLabels)
      throw std::invalid_argument(std::string("loss term '") + kPairing.name + "': " + std::to_string(clips) +
                                  " clips with labels of " + std::to_string(spans.size(0)) +
                                  " rows; pairs need an even batch with temporal_transform's labels [B, " +
                                  std::to_string(kClipLabels) + "] (sampler policy temporal_clips)");
    const int64_t pairs = clips / 2;
    const at::Tensor cpu = spans.to(at::kCPU, at::kLong).contiguous();
    const auto s = cpu.accessor<int64_t, 2>();
    at::Tensor target = at::empty({pairs}, at::kLong);
    auto t = target.accessor<int64_t, 1>();
    for (int64_t p = 0; p < pairs; ++p)
      t[p] = static_cast<int64_t>(order_of({s[2 * p][kFirstSnippet], s[2 * p][kEndSnippet]},
                                           {s[2 * p + 1][kFirstSnippet], s[2 * p + 1][kEndSnippet]}));
    const int64_t as_first = kPairing.cross ? kFirstOther : kFirstSame;
    const int64_t as_second = kPairing.cross ? kSecondOther : kSecondSame;
    // [pairs, 3, 1 + rank] each: a bias, then a factor, per class.
    const at::Tensor a = first.slice(0, 0, clips, 2).select(1, as_first);
    const at::Tensor b = second.slice(0, 1, clips, 2).select(1, as_second);
    const at::Tensor logits =
        a.select(2, 0) + b.select(2, 0) + (a.narrow(2, 1, kOrderRank) * b.narrow(2, 1, kOrderRank)).sum(2);
    return {logits, target.to(logits.device())};
  }

  // A head's output as [B, places, classes, 1 + rank].
  static at::Tensor places(const LossInputs& in, const char* head) {
    const at::Tensor& out = in.heads.at(head);
    if (out.dim() != 2 || out.size(1) != kOrderOutputs)
      throw std::invalid_argument(std::string("loss term '") + kPairing.name + "': head '" + head + "' gives " +
                                  std::to_string(out.dim() == 2 ? out.size(1) : -1) + " outputs a clip, not " +
                                  std::to_string(kOrderOutputs));
    return out.view({out.size(0), kOrderPlaces, kOrderClasses, 1 + kOrderRank});
  }
};

using VideoVideoOrder = OrderLoss<kVideoVideo>;
using AudioAudioOrder = OrderLoss<kAudioAudio>;
using VideoAudioOrder = OrderLoss<kVideoAudio>;

}  // namespace
}  // namespace avflow::temporal

AVFLOW_REGISTER_EXTENSION(avflow::temporal::VideoVideoOrder, "order_vv",
                          "cross-entropy of the order of a pair's clips, from both clips' video (head order_video)");
AVFLOW_REGISTER_EXTENSION(avflow::temporal::AudioAudioOrder, "order_aa",
                          "cross-entropy of the order of a pair's clips, from both clips' audio (head order_audio)");
AVFLOW_REGISTER_EXTENSION(avflow::temporal::VideoAudioOrder, "order_va",
                          "cross-entropy of the order of a pair's clips, from the first's video and the second's audio");
