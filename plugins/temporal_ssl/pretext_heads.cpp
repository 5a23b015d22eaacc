// The unitary pretext heads of temporal self-supervision (Jenni et al.): a
// clip's playback speed and its direction, from either encoder's last
// feature map. Each is a temporal head: the feature map averaged over space
// (video H' x W', audio the frequency axis F') to [B, C, T'], a 1-D
// convolution over time (C channels, width 3) so that the order of the
// features in time counts -- an average over time alone could not tell a
// clip from its reversal -- then ReLU, the mean over time and a linear map
// to the classes.
//
//   heads = ["speed_video", "speed_audio", "direction_video", "direction_audio", "order_video", "order_audio"]
//
// The order heads are the same with 4 x 3 x 17 outputs: a clip's part of a
// pair's order logits in each place it can take (pretext_tasks.h).
#include <torch/nn/functional/activation.h>
#include <torch/nn/modules/conv.h>
#include <torch/nn/modules/linear.h>

#include "engine/plugin_api.h"
#include "libs/model/model_head.h"
#include "libs/temporal/clip_pair.h"
#include "plugins/temporal_ssl/pretext_tasks.h"

namespace avflow::temporal {
namespace {

using model::Encoder;

class TemporalHeadImpl final : public model::ModelHeadImpl {
 public:
  TemporalHeadImpl(Encoder encoder, int64_t channels, int64_t classes)
      : encoder_(encoder),
        over_time_(register_module("over_time",
                                   torch::nn::Conv1d(torch::nn::Conv1dOptions(channels, channels, 3).padding(1)))),
        classify_(register_module("classify", torch::nn::Linear(channels, classes))) {}

  at::Tensor forward(const at::Tensor& features) override {
    // video [B, C, T', H', W'] -> [B, C, T']; audio [B, C, F', T'] -> [B, C, T'].
    const at::Tensor in_time = encoder_ == Encoder::kVideo ? features.mean({3, 4}) : features.mean({2});
    return classify_->forward(torch::relu(over_time_->forward(in_time)).mean({2}));
  }

 private:
  Encoder encoder_;
  torch::nn::Conv1d over_time_;
  torch::nn::Linear classify_;
};

template <Encoder kEncoder, int64_t kClasses>
class TemporalHead final : public model::ModelHeadFactory {
 public:
  Encoder encoder() const override { return kEncoder; }
  std::shared_ptr<model::ModelHeadImpl> make(const model::HeadShape& shape) const override {
    return std::make_shared<TemporalHeadImpl>(kEncoder, shape.channels, kClasses);
  }
};

using SpeedVideo = TemporalHead<Encoder::kVideo, kSpeedClasses>;
using SpeedAudio = TemporalHead<Encoder::kAudio, kSpeedClasses>;
using DirectionVideo = TemporalHead<Encoder::kVideo, 2>;
using DirectionAudio = TemporalHead<Encoder::kAudio, 2>;
using OrderVideo = TemporalHead<Encoder::kVideo, kOrderOutputs>;
using OrderAudio = TemporalHead<Encoder::kAudio, kOrderOutputs>;

}  // namespace
}  // namespace avflow::temporal

AVFLOW_REGISTER_EXTENSION(avflow::temporal::SpeedVideo, "speed_video",
                          "a video clip's playback speed class, from f's features (temporal head)");
AVFLOW_REGISTER_EXTENSION(avflow::temporal::SpeedAudio, "speed_audio",
                          "an audio clip's playback speed class, from g's features (temporal head)");
AVFLOW_REGISTER_EXTENSION(avflow::temporal::DirectionVideo, "direction_video",
                          "whether a video clip plays backwards, from f's features (temporal head)");
AVFLOW_REGISTER_EXTENSION(avflow::temporal::DirectionAudio, "direction_audio",
                          "whether an audio clip plays backwards, from g's features (temporal head)");
AVFLOW_REGISTER_EXTENSION(avflow::temporal::OrderVideo, "order_video",
                          "a video clip's part of its pair's order logits, from f's features (temporal head)");
AVFLOW_REGISTER_EXTENSION(avflow::temporal::OrderAudio, "order_audio",
                          "an audio clip's part of its pair's order logits, from g's features (temporal head)");
