// clip_reader: cuts the clip a ClipRequest asks for out of its file.
//
//   [[node]]
//   name = "reader"
//   op = "clip_reader"
//   frames = 32                 # T
//   fps = 10.0
//   audio_seconds = 0.0         # 0: the span of the T frames; ESC-50: 3.0
//   on_error = "skip"           # a file that does not decode: its clip is left out
//   max_errors = 0.01           # more than 1% of clips left out fails the run
//
// A training request (view -1) gets a clip at a random position, drawn from
// (seed, item number), uniform over the file. A test request gets view v of
// multi-view testing: clip v / crops of `clips` uniformly spaced ones
// (libs/eval/multi_view.h) and, for video, crop v % crops (left, center, right; a
// single crop is the centre) of `test_crop` pixels. A file shorter than the
// clip repeats its last frame and pads its audio with silence. Outputs: the
// frames uint8 [T, H, W, 3] (with video = true), the audio float [samples]
// (with audio = true) and the label, an int64 scalar tensor. A file that
// cannot be decoded (or lacks a track the graph reads) fails the run naming
// it (on_error = fail, the default); under on_error = skip the clip is left
// out -- none of its outputs is emitted, so a training epoch is one clip
// shorter and a test file is scored on the views that did read (the
// multi-view report lists the view counts seen) -- logged once per file and
// counted in the node's metrics, until more than max_errors clips were bad.
#include <ATen/ATen.h>

#include <algorithm>
#include <map>
#include <mutex>
#include <stdexcept>
#include <string>
#include <vector>

#include "engine/error_budget.h"
#include "engine/operator.h"
#include "engine/payloads/tensor.h"
#include "engine/registry.h"
#include "libs/eval/multi_view.h"
#include "libs/media/media_decoder.h"
#include "libs/random/item_random.h"
#include "libs/video/crop_box.h"
#include "operators/eval/clip_request.h"
#include "operators/media/decode_params.h"

namespace avflow::ops {

using namespace avflow::eval;
using namespace avflow::media;
using namespace avflow::random;
using namespace avflow::video;

class ClipReader final : public Operator {
 public:
  static inline const In<ClipRequest> kRequest{"request", "which file, and which view for tests"};
  static inline const Out<Tensor> kVideo{"video", "the clip's frames, uint8 [T, H, W, 3]"};
  static inline const Out<Tensor> kAudio{"audio", "the clip's audio, float32 [samples] (mono)"};
  static inline const Out<Tensor> kLabel{"label", "the file's class, int64 scalar"};
  static inline const ops::DecodeParams kDecode{{.fps = 10.0, .short_side = 0, .frames = 32, .stereo = false}};
  static inline const Param<int64_t> kTestCrop{"test_crop", 158, Range{0, 8192},
                                               "test views: square crop in pixels (0: none)"};
  static inline const ops::TrackSwitches kTracks;
  static inline const Param<double> kAudioSeconds{"audio_seconds", 0.0, Range{0.0, 600.0},
                                                  "audio per clip in seconds; 0: the span of the frames"};
  static inline const Param<int64_t> kSeed{"seed", 0, "seed of the training clips' positions"};
  static inline const ErrorPolicyParams kOnError{
      {OnError::kFail, 0.01,
       "a file that does not decode: fail the run naming it, or skip (its clip is left out: a training epoch is one "
       "clip shorter, a test file is scored on the views that read)",
       "with skip: bad clips allowed before the run fails; >= 1 a count, below 1 a fraction of the clips read"}};
  AVFLOW_CONTRACT(kRequest, kVideo, kAudio, kLabel, kDecode, kTestCrop, kTracks, kAudioSeconds, kSeed, kOnError,
                  kParallel);

  void open(Context& ctx) override {
    settings_ = kDecode.settings(ctx);
    frames_ = ctx.param(kDecode.frames);
    video_ = settings_.video = ctx.param(kTracks.video);
    audio_ = settings_.audio = ctx.param(kTracks.audio);
    audio_seconds_ = ctx.param(kAudioSeconds) > 0 ? ctx.param(kAudioSeconds) : static_cast<double>(frames_) / settings_.fps;
    clip_seconds_ = video_ ? std::max(static_cast<double>(frames_) / settings_.fps, audio_ ? audio_seconds_ : 0.0) : audio_seconds_;
    test_crop_ = ctx.param(kTestCrop);
    seed_ = static_cast<uint64_t>(ctx.param(kSeed));
    budget_.configure(ctx, kOnError);
  }

  void process(Context& ctx) override {
    const ClipRequest& r = ctx.input(kRequest);
    budget_.count_item();
    Clip clip;
    try {
      clip = read(ctx, r);
    } catch (const std::runtime_error& e) {
      if (!budget_.skips()) throw;
      budget_.bad(ctx, "file '" + r.path + "'", e.what());  // throws once over budget
      return;
    }
    if (clip.video.defined()) ctx.emit(kVideo, Tensor(clip.video));
    if (clip.audio.defined()) ctx.emit(kAudio, Tensor(clip.audio));
    ctx.emit(kLabel, Tensor(at::scalar_tensor(r.label, at::kLong)));
  }

 private:
  struct Clip {
    at::Tensor video, audio;  // undefined where the graph reads no such track
  };

  // The clip `r` asks for, whole, before anything is emitted (a file that
  // breaks half way emits nothing). Throws std::runtime_error naming the file.
  Clip read(Context& ctx, const ClipRequest& r) {
    Clip out;
    media::DecodeSettings settings = settings_;  // its start differs per clip
    const double duration = duration_of(r.path, settings);
    std::string crop;
    if (r.view >= 0) {
      const auto starts = uniform_clip_starts(duration, clip_seconds_, r.clips);
      settings.start_s = starts.at(static_cast<size_t>(r.view / r.crops));
      static const char* const kCrops[3] = {"left", "center", "right"};
      crop = r.crops == 1 ? "center" : kCrops[r.view % r.crops];
    } else {
      random::ItemRandom rng(seed_, ctx.item(), 0, "clip_start");
      settings.start_s = rng.uniform(0.0, std::max(0.0, duration - clip_seconds_));
    }
    media::MediaDecoder decoder(r.path, settings);
    if (video_) {
      if (!decoder.has_video()) throw std::runtime_error(r.path + " has no video");
      std::vector<at::Tensor> frames;
      while (static_cast<int64_t>(frames.size()) < frames_) {
        auto f = decoder.next_frame();
        if (!f) break;
        frames.push_back(*f);
      }
      if (frames.empty()) throw std::runtime_error(r.path + ": no frames from " + std::to_string(settings.start_s) + " s");
      while (static_cast<int64_t>(frames.size()) < frames_) frames.push_back(frames.back());
      at::Tensor clip = at::stack(frames);  // [T, H, W, 3]
      if (!crop.empty() && test_crop_ > 0) {
        const auto box = video::fixed_crop_box(crop, clip.size(1), clip.size(2), test_crop_);
        clip = clip.slice(1, box.y0, box.y0 + box.size).slice(2, box.x0, box.x0 + box.size).contiguous();
      }
      out.video = clip;
    }
    if (audio_) {
      if (!decoder.has_audio()) throw std::runtime_error(r.path + " has no audio");
      const auto samples = static_cast<int64_t>(audio_seconds_ * static_cast<double>(settings_.sample_rate) + 0.5);
      at::Tensor pcm = decoder.read_audio(samples).reshape({-1});
      if (pcm.size(0) < samples) pcm = at::constant_pad_nd(pcm, {0, samples - pcm.size(0)});
      out.audio = pcm;
    }
    return out;
  }

  // A file's duration, to place its clips: probed once per file (a training
  // run reads each file once per epoch).
  double duration_of(const std::string& path, const media::DecodeSettings& settings) {
    {
      std::lock_guard<std::mutex> lock(mu_);
      if (auto known = durations_.find(path); known != durations_.end()) return known->second;
    }
    media::MediaDecoder probe(path, settings);
    const double duration = probe.duration_s().value_or(0.0);
    std::lock_guard<std::mutex> lock(mu_);
    durations_[path] = duration;
    return duration;
  }

  std::mutex mu_;
  std::map<std::string, double> durations_;
  int64_t frames_ = 32, test_crop_ = 158;
  media::DecodeSettings settings_;
  double audio_seconds_ = 3.2, clip_seconds_ = 3.2;
  bool video_ = true, audio_ = true;
  uint64_t seed_ = 0;
  ErrorBudget budget_;
};

AVFLOW_REGISTER(ClipReader, "clip_reader",
                "a clip of a labelled file: random for training, one multi-view test view for testing");

}  // namespace avflow::ops
