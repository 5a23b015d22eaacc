// The loss terms of the unitary pretext tasks: the cross-entropy of each
// head's logits against its column of the clips' labels (train_step's labels
// input: temporal_transform's labels, batched), the mean over this process's
// clips; each also reports its head's accuracy as "<name>_accuracy" (chance:
// 1/4 for speed, 1/2 for direction).
//
//   heads = ["speed_video", "direction_video"]
//   loss_terms = ["contrastive", "speed_video", "direction_video"]
//   loss_weights = [1.0, 1.0, 1.0]          # 0 removes a term, and its head
#include <ATen/ATen.h>

#include <stdexcept>
#include <string>

#include "engine/plugin_api.h"
#include "libs/model/loss_term.h"
#include "plugins/temporal_ssl/classification_term.h"
#include "plugins/temporal_ssl/pretext_tasks.h"

namespace avflow::temporal {
namespace {

using model::LossInputs;
using model::StepValues;

template <const PretextTask& kTask>
class PretextLoss final : public model::LossTerm {
 public:
  at::Tensor compute(const LossInputs& in) const override {
    const auto [logits, target] = logits_and_target(in);
    require_known_classes(target);
    return at::cross_entropy_loss(logits, target);
  }
  std::vector<std::string> heads() const override { return {kTask.name}; }
  bool reads_labels() const override { return true; }
  // After compute() on the same inputs (train_step's order), which has
  // checked the labels' classes; no second read of them from the device.
  void observe(const LossInputs& in, StepValues& out) const override {
    const auto [logits, target] = logits_and_target(in);
    report_accuracy(kTask.name, logits, target, out);
  }

 private:
  static std::pair<at::Tensor, at::Tensor> logits_and_target(const LossInputs& in) {
    const at::Tensor& all = clip_labels(in, kTask.name);
    const at::Tensor& logits = in.heads.at(kTask.name);
    if (all.dim() != 2 || all.size(1) <= kTask.column || all.size(0) != logits.size(0))
      throw std::invalid_argument(std::string("loss term '") + kTask.name + "': labels " + describe(all) +
                                  " do not match " + std::to_string(logits.size(0)) +
                                  " clips of temporal_transform's labels [B, " + std::to_string(kClipLabels) + "]");
    return {logits, all.select(1, kTask.column).to(logits.device(), at::kLong)};
  }

  // Reads the labels' range from the device (a wait on CUDA): once a step.
  static void require_known_classes(const at::Tensor& target) {
    const int64_t highest = target.max().item<int64_t>(), lowest = target.min().item<int64_t>();
    if (lowest < 0 || highest >= kTask.classes)
      throw std::invalid_argument(std::string("loss term '") + kTask.name + "': a label of " +
                                  std::to_string(lowest < 0 ? lowest : highest) + " but head '" + kTask.name +
                                  "' tells " + std::to_string(kTask.classes) + " classes apart" +
                                  (kTask.column == kSpeedClass ? " (speeds of at most 4 entries)" : ""));
  }

  static std::string describe(const at::Tensor& t) {
    std::string s = "[";
    for (int64_t i = 0; i < t.dim(); ++i) s += (i ? ", " : "") + std::to_string(t.size(i));
    return s + "]";
  }
};

using SpeedVideoLoss = PretextLoss<kSpeedVideo>;
using SpeedAudioLoss = PretextLoss<kSpeedAudio>;
using DirectionVideoLoss = PretextLoss<kDirectionVideo>;
using DirectionAudioLoss = PretextLoss<kDirectionAudio>;

}  // namespace
}  // namespace avflow::temporal

AVFLOW_REGISTER_EXTENSION(avflow::temporal::SpeedVideoLoss, "speed_video",
                          "cross-entropy of head speed_video against the clips' speed classes");
AVFLOW_REGISTER_EXTENSION(avflow::temporal::SpeedAudioLoss, "speed_audio",
                          "cross-entropy of head speed_audio against the clips' speed classes");
AVFLOW_REGISTER_EXTENSION(avflow::temporal::DirectionVideoLoss, "direction_video",
                          "cross-entropy of head direction_video against whether each clip's video is reversed");
AVFLOW_REGISTER_EXTENSION(avflow::temporal::DirectionAudioLoss, "direction_audio",
                          "cross-entropy of head direction_audio against whether each clip's audio is reversed");
