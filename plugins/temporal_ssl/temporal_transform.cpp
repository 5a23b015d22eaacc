// temporal_transform: plays a clip at its playback speed and direction, the
// transformations temporal self-supervision (Jenni et al.) learns to
// recognise, and emits their labels with the tensors.
//
//   [[node]]
//   name = "temporal"
//   op = "temporal_transform"          # plugin temporal_ssl
//   speeds = [1, 2, 4, 8]              # the sampler's (policy temporal_clips)
//   reverse_probability = 0.5          # 0: every clip forwards (no direction task)
//   seed = 0
//
// A clip at speed s comes from shard_reader as s consecutive snippets (a
// request of span s): s T frames and s L samples. Video keeps every s-th
// frame, T of them; audio is sped up like a tape to L samples (low-passed
// below the new Nyquist frequency, then decimated). Each clip is then
// reversed with probability reverse_probability, its video and its audio
// drawn independently (seed, item, "video_direction" / "audio_direction"),
// all of its frames (samples) alike; clips draw independently of each other.
// labels: int64 [5] = speed class (the index of s in speeds), video
// reversed, audio reversed, first snippet m, one past the last
// (libs/temporal/clip_labels.h).
#include <ATen/ATen.h>

#include "engine/operator.h"
#include "engine/payloads/tensor.h"
#include "engine/plugin_api.h"
#include "libs/media/snippet.h"
#include "libs/random/item_random.h"
#include "libs/temporal/clip_labels.h"
#include "libs/temporal/playback.h"

namespace avflow::ops {

using namespace avflow::temporal;

class TemporalTransform final : public Operator {
 public:
  static inline const In<media::Snippet> kSnippet{
      "snippet", "a clip: s consecutive snippets (shard_reader serving a request of span s)"};
  static inline const Out<Tensor> kVideo{"video", "uint8 [T, H, W, 3]: every s-th frame, maybe reversed"};
  static inline const Out<Tensor> kAudio{"audio", "float32 [L] or [C, L]: s L samples sped up s times, maybe reversed"};
  static inline const Out<Tensor> kLabels{
      "labels", "int64 [5]: speed class, video reversed, audio reversed, first snippet, end snippet"};
  static inline const Param<std::vector<int64_t>> kSpeeds{
      "speeds", std::vector<int64_t>{1, 2, 4, 8}, Range{1, 1 << 10},
      "the playback speeds, as the sampler draws them; a clip's class is the index of its speed here"};
  static inline const Param<double> kReverseProbability{
      "reverse_probability", 0.5, Range{0.0, 1.0},
      "chance that a clip's video plays backwards, and (drawn apart) that its audio does; 0: never"};
  static inline const Param<int64_t> kSeed{"seed", 0, "random seed (with the item number, fixes the draws)"};
  static std::optional<ParamProblem> increasing_speeds(const ParamSet& p) {
    const auto& speeds = p.get(kSpeeds);
    if (speeds.empty()) return ParamProblem{kSpeeds.name(), "is empty: give at least one speed, e.g. [1, 2, 4, 8]"};
    for (size_t i = 1; i < speeds.size(); ++i)
      if (speeds[i] <= speeds[i - 1])
        return ParamProblem{kSpeeds.name(), "must be distinct and increasing, e.g. [1, 2, 4, 8]"};
    return std::nullopt;
  }
  AVFLOW_CONTRACT(kSnippet, kVideo, kAudio, kLabels, kSpeeds, kReverseProbability, kSeed, kParallel,
                  rule("speeds distinct and increasing", &TemporalTransform::increasing_speeds));

  void process(Context& ctx) override {
    const media::Snippet& clip = ctx.input(kSnippet);
    const int64_t s = clip.span;
    const int64_t speed = speed_class(s, ctx.param(kSpeeds));
    const auto seed = static_cast<uint64_t>(ctx.param(kSeed));
    const double p = ctx.param(kReverseProbability);
    const bool video_back = random::ItemRandom(seed, ctx.item(), 0, "video_direction").bernoulli(p);
    const bool audio_back = random::ItemRandom(seed, ctx.item(), 0, "audio_direction").bernoulli(p);

    at::Tensor video = video_at_speed(clip.video.get(), s);
    at::Tensor audio = audio_at_speed(clip.audio.get(), s);
    if (video_back) video = reverse_frames(video);
    if (audio_back) audio = reverse_waveform(audio);
    at::Tensor labels = at::empty({kClipLabels}, at::kLong);
    auto l = labels.accessor<int64_t, 1>();
    l[kSpeedClass] = speed;
    l[kVideoReversed] = video_back;
    l[kAudioReversed] = audio_back;
    l[kFirstSnippet] = clip.index;
    l[kEndSnippet] = clip.index + s;
    ctx.emit(kVideo, Tensor(std::move(video)));
    ctx.emit(kAudio, Tensor(std::move(audio)));
    ctx.emit(kLabels, Tensor(std::move(labels)));
  }
};

}  // namespace avflow::ops

AVFLOW_REGISTER(avflow::ops::TemporalTransform, "temporal_transform",
                "playback speed (frame skipping, tape speed-up) and direction of a clip, with their labels");
AVFLOW_PLUGIN("temporal_ssl", "1.0");
