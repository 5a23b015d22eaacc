// snippet_tensors: hands a snippet's frames and audio (decode, shard_reader)
// on as tensors under the snippet's own item number, so that tensor
// operators can prepare them and a node that also reads the snippet (embed)
// can join the two again. (A source's ports each number their items on
// their own: decode.video and decode.snippet are different items.)
//
//   [[node]]
//   name = "tensors"
//   op = "snippet_tensors"
//
//   [[edge]]  from = "decode.snippet"  to = "tensors.snippet"
//   [[edge]]  from = "tensors.video"   to = "augment.in"       # uint8 [T, H, W, 3]
//   [[edge]]  from = "tensors.audio"   to = "mel.pcm"          # float [samples] or [2, samples]
#include "engine/operator.h"
#include "engine/payloads/tensor.h"
#include "engine/registry.h"
#include "libs/media/snippet.h"

namespace avflow::ops {

using namespace avflow::media;

class SnippetTensors final : public Operator {
 public:
  static inline const In<Snippet> kSnippet{"snippet", "a snippet (decode, shard_reader)"};
  static inline const Out<Tensor> kVideo{"video", "its frames, uint8 [T, H, W, 3] (when it has them)"};
  static inline const Out<Tensor> kAudio{"audio", "its audio, float32 [samples] or [2, samples] (when it has it)"};
  AVFLOW_CONTRACT(kSnippet, kVideo, kAudio, kParallel);

  void process(Context& ctx) override {
    const Snippet& s = ctx.input(kSnippet);
    if (s.video.get().defined()) ctx.emit(kVideo, s.video);
    if (s.audio.get().defined()) ctx.emit(kAudio, s.audio);
  }
};

AVFLOW_REGISTER(SnippetTensors, "snippet_tensors", "a snippet's frames and audio as tensors, same item number");

}  // namespace avflow::ops
