// shard_reader: serves (title, m) requests from prepared shards at disk
// speed: one pread and T JPEG decodes per snippet, shards opened once and
// shared by concurrent requests.
//
//   [[node]]
//   name = "reader"
//   op = "shard_reader"
//   dir = "prepared/"
//   on_error = "skip"      # a corrupt snippet: served by its nearest readable neighbour
//   max_errors = 0.001     # more than 0.1% corrupt snippets fails the run
//
// Outputs the snippet, and its video and audio as tensors. A request of span
// s > 1 (a clip-group sampling policy's) is served snippets m .. m + s - 1
// joined in time: s T frames and s times the audio. A missing shard or
// an m beyond the title fails the run with an error that names the shard
// file, and so does a corrupt snippet record under on_error = fail. Under
// skip, a corrupt record is logged once, counted in the node's metrics, and
// replaced by the nearest readable snippet of the same title (m - 1, m + 1,
// m - 2, ...): the batch stays full, title grouping holds, and a rerun serves
// the same substitutes.
#include <ATen/ATen.h>

#include <map>
#include <memory>
#include <mutex>
#include <optional>

#include "engine/error_budget.h"
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
  static inline const Out<Tensor> kVideo{"video", "its frames, uint8 [T, H, W, 3] (s T for a request of span s)"};
  static inline const Out<Tensor> kAudio{"audio", "its audio, float32 [samples] or [2, samples] (s times as many)"};
  static inline const Param<std::string> kDir{"dir", kRequired, "the folder prepare wrote"};
  static inline const ErrorPolicyParams kOnError{
      {OnError::kFail, 0.001,
       "a corrupt snippet record: fail the run, or skip it (logged once, counted, and served by the nearest "
       "readable snippet of the same title)",
       "with skip: corrupt snippets served before the run fails: a count (>= 1), or a fraction of the snippets "
       "read (< 1)"}};
  AVFLOW_CONTRACT(kRequest, kSnippet, kVideo, kAudio, kDir, kOnError, kParallel);

  void open(Context& ctx) override {
    dir_ = ctx.param(kDir);
    budget_.configure(ctx, kOnError);
  }

  void process(Context& ctx) override {
    const SnippetRequest& r = ctx.input(kRequest);
    const auto file = shard(r.title);
    Snippet s = r.span == 1 ? read(ctx, *file, r.index) : read_span(ctx, *file, r.index, r.span);
    ctx.emit(kVideo, s.video);
    ctx.emit(kAudio, s.audio);
    ctx.emit(kSnippet, std::move(s));
  }

 private:
  Snippet read(Context& ctx, const ShardFile& shard, int64_t m) {
    budget_.count_item();
    auto key = [&] { return "snippet " + std::to_string(m) + " of title '" + shard.header().title + "'"; };
    if (const auto known = substitute_of(shard, m)) {
      budget_.bad(ctx, key(), "corrupt (found earlier)");
      return shard.read(*known);
    }
    try {
      return shard.read(m);
    } catch (const std::runtime_error& e) {  // a corrupt or unreadable record; an m out of range is a logic_error
      if (!budget_.skips()) throw;
      budget_.bad(ctx, key(), e.what());
      auto [m2, snippet] = nearest_readable(shard, m);
      std::lock_guard<std::mutex> lock(mu_);
      substitutes_[{shard.path().string(), m}] = m2;
      return std::move(snippet);
    }
  }

  // Snippets m .. m + span - 1 joined in time: their frames one after the
  // other, their audio likewise (consecutive snippets are contiguous).
  Snippet read_span(Context& ctx, const ShardFile& shard, int64_t m, int64_t span) {
    if (span < 1 || m < 0 || m + span > shard.count())
      throw std::logic_error(shard.path().string() + ": snippets " + std::to_string(m) + " to " +
                             std::to_string(m + span - 1) + " asked for, but title '" + shard.header().title +
                             "' has " + std::to_string(shard.count()));
    std::vector<Snippet> parts;
    for (int64_t i = 0; i < span; ++i) parts.push_back(read(ctx, shard, m + i));
    std::vector<at::Tensor> video, audio;
    for (const auto& p : parts) {
      video.push_back(p.video.get());
      audio.push_back(p.audio.get());
    }
    Snippet joined = std::move(parts.front());
    joined.span = span;
    joined.end_s = parts.back().end_s;
    joined.video = Tensor(at::cat(video, 0));
    joined.audio = Tensor(at::cat(audio, -1));
    return joined;
  }

  std::optional<int64_t> substitute_of(const ShardFile& shard, int64_t m) {
    std::lock_guard<std::mutex> lock(mu_);
    auto it = substitutes_.find({shard.path().string(), m});
    if (it == substitutes_.end()) return std::nullopt;
    return it->second;
  }

  // The readable snippet nearest to m, the earlier one first on a tie.
  static std::pair<int64_t, Snippet> nearest_readable(const ShardFile& shard, int64_t m) {
    for (int64_t d = 1; d < shard.count(); ++d) {
      for (const int64_t candidate : {m - d, m + d}) {
        if (candidate < 0 || candidate >= shard.count()) continue;
        try {
          return {candidate, shard.read(candidate)};
        } catch (const std::runtime_error&) {
          // corrupt too: try the next nearest
        }
      }
    }
    throw std::runtime_error(shard.path().string() + ": no readable snippet left to stand in for snippet " +
                             std::to_string(m) + "; delete the shard and run prepare again");
  }

  std::shared_ptr<const ShardFile> shard(const std::string& title) {
    std::lock_guard<std::mutex> lock(mu_);
    auto& slot = open_[title];
    if (!slot) slot = std::make_shared<const ShardFile>(shard_path(dir_, title));
    return slot;
  }

  std::string dir_;
  ErrorBudget budget_;
  std::mutex mu_;
  std::map<std::string, std::shared_ptr<const ShardFile>> open_;
  std::map<std::pair<std::string, int64_t>, int64_t> substitutes_;  // (shard, bad m) -> the m served instead
};

AVFLOW_REGISTER(ShardReader, "shard_reader", "random access to prepared snippets by (title, m)");

}  // namespace avflow::ops
