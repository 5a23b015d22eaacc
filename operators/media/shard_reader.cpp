// shard_reader: serves (title, m) requests from prepared shards at disk
// speed: one pread and T JPEG decodes per snippet, shards opened once and
// shared by concurrent requests.
//
//   [[node]]
//   name = "reader"
//   op = "shard_reader"
//   dir = "prepared/"
//
// Outputs the snippet, and its video and audio as tensors. A missing shard,
// an m beyond the title, or a corrupt record fails the run with an error that
// names the shard file.
#include <map>
#include <memory>
#include <mutex>

#include "engine/operator.h"
#include "engine/payloads/tensor.h"
#include "engine/registry.h"
#include "libs/media/shard/shard_file.h"
#include "libs/media/shard/shard_path.h"
#include "libs/media/snippet.h"
#include "libs/media/snippet_request.h"

namespace avflow::ops {

using namespace avflow::media;

class ShardReader final : public Operator {
 public:
  static inline const In<SnippetRequest> kRequest{"request", "which snippet: title id and m"};
  static inline const Out<Snippet> kSnippet{"snippet", "the snippet: title, show, m, time span, video, audio"};
  static inline const Out<Tensor> kVideo{"video", "its frames, uint8 [T, H, W, 3]"};
  static inline const Out<Tensor> kAudio{"audio", "its audio, float32 [samples] or [2, samples]"};
  static inline const Param<std::string> kDir{"dir", kRequired, "the folder prepare wrote"};
  AVFLOW_CONTRACT(kRequest, kSnippet, kVideo, kAudio, kDir, kParallel);

  void open(Context& ctx) override { dir_ = ctx.param(kDir); }

  void process(Context& ctx) override {
    const SnippetRequest& r = ctx.input(kRequest);
    Snippet s = shard(r.title)->read(r.index);
    ctx.emit(kVideo, s.video);
    ctx.emit(kAudio, s.audio);
    ctx.emit(kSnippet, std::move(s));
  }

 private:
  std::shared_ptr<const ShardFile> shard(const std::string& title) {
    std::lock_guard<std::mutex> lock(mu_);
    auto& slot = open_[title];
    if (!slot) slot = std::make_shared<const ShardFile>(shard_path(dir_, title));
    return slot;
  }

  std::string dir_;
  std::mutex mu_;
  std::map<std::string, std::shared_ptr<const ShardFile>> open_;
};

AVFLOW_REGISTER(ShardReader, "shard_reader", "random access to prepared snippets by (title, m)");

}  // namespace avflow::ops
