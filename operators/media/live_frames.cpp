// live_frames: hands a live snippet's frames and audio (live_snippets) on as
// tensors, under the snippet's item number, so that tensor operators can
// prepare them and live_classify can join them with the snippet again.
//
//   [[node]]
//   name = "frames"
//   op = "live_frames"
//
//   [[edge]]  from = "source.snippet"  to = "frames.snippet"
//   [[edge]]  from = "frames.video"    to = "normalize.in"     # uint8 [T, H, W, 3]
//   [[edge]]  from = "frames.audio"    to = "mel.pcm"          # float [samples] (audio = true)
#include "engine/operator.h"
#include "engine/payloads/tensor.h"
#include "engine/registry.h"
#include "libs/media/live_snippet.h"

namespace avflow::ops {

using namespace avflow::media;

class LiveFrames final : public Operator {
 public:
  static inline const In<LiveSnippet> kSnippet{"snippet", "a live snippet (live_snippets)"};
  static inline const Out<Tensor> kVideo{"video", "its frames, uint8 [T, H, W, 3]"};
  static inline const Out<Tensor> kAudio{"audio", "its audio, float32 [samples], mono (when the source has audio on)"};
  AVFLOW_CONTRACT(kSnippet, kVideo, kAudio, kParallel);

  void process(Context& ctx) override {
    const LiveSnippet& s = ctx.input(kSnippet);
    if (s.video.get().defined()) ctx.emit(kVideo, s.video);
    if (s.audio.get().defined()) ctx.emit(kAudio, s.audio);
  }
};

AVFLOW_REGISTER(LiveFrames, "live_frames", "a live snippet's frames and audio as tensors, same item number");

}  // namespace avflow::ops
