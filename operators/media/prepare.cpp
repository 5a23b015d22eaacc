// prepare: decodes each title once and writes its snippet shard (frames
// resized and JPEG-compressed, audio as float PCM, an index by m), so that
// training reads snippets at random at disk speed (shard_reader).
//
//   [[node]]
//   name = "prepare"
//   op = "prepare"
//   out = "prepared/"     # DIR/<title id>.avshard
//   jpeg_quality = 90
//   scenes = true         # shot cuts and scenes into the shard's index
//   # fps, short_side, sample_rate, channels, frames, timeout: as decode
//   # cut_threshold, cut_ratio, min_shot, scene_threshold, scene_memory:
//   #   the scene rule (libs/media/scene/scene_detector.h)
//
// Input: titles (from the titles source). Output: one row of scalars per
// title: snippets, scenes, shots, prepared, reused, failed, seconds,
// megabytes (scenes and shots are 0 when not detected). A shard is
// written under NAME.partial and renamed when whole; re-running skips titles
// whose shard opens cleanly, and redoes half-written or corrupt ones, ones
// without scene starts when scenes are asked for, and ones whose file was
// replaced since (its size or modification time differs from the one the
// shard recorded; a title's file deleted since leaves its shard in use). A title
// that cannot be decoded is skipped with its reason and counted, and the
// reason recorded in DIR/<title id>.skipped (removed once the title is
// prepared), which samplers read to leave the title out. A shard that
// cannot be written (a full disk) fails the run naming the file: that is not
// the title's fault, and nothing half-written stays behind.
// Format: libs/media/shard/shard_format.h.
#include <ATen/ATen.h>

#include <atomic>
#include <chrono>
#include <filesystem>
#include <optional>

#include "engine/atomic_file.h"
#include "engine/log.h"
#include "engine/operator.h"
#include "engine/payloads/scalars.h"
#include "engine/registry.h"
#include "operators/media/decode_params.h"
#include "operators/media/scene_params.h"
#include "libs/media/shard/shard_file.h"
#include "libs/media/shard/shard_path.h"
#include "libs/media/shard/shard_writer.h"
#include "libs/media/snippetizer.h"
#include "libs/media/source_stamp.h"
#include "libs/media/title.h"

namespace avflow::ops {

using namespace avflow::media;

class Prepare final : public Operator {
 public:
  static inline const In<Title> kTitle{"title", "a title to prepare"};
  static inline const Out<Scalars> kReport{"report", "per title: snippets, prepared, reused, failed, seconds, megabytes"};
  static inline const Param<std::string> kOut{"out", kRequired, "folder of the shards (created when missing)"};
  static inline const Param<int64_t> kQuality{"jpeg_quality", 90, Range{1, 100}, "JPEG quality of the stored frames"};
  static inline const DecodeParams kDecode;
  static inline const SceneParams kScenes;
  AVFLOW_CONTRACT(kTitle, kReport, kOut, kQuality, kDecode, kScenes, kOneToOne, kParallel);

  void process(Context& ctx) override {
    const Title& t = ctx.input(kTitle);
    const auto start = std::chrono::steady_clock::now();
    const std::filesystem::path path = shard_path(ctx.param(kOut), t.id);
    const std::filesystem::path skipped = skipped_path(ctx.param(kOut), t.id);
    Scalars row;
    row.step = static_cast<int64_t>(ctx.item());
    double snippets = 0, prepared = 0, reused = 0, failed = 0, bytes = 0;
    Written w;
    if (auto existing = open_existing(t, path, ctx.param(kScenes.enabled))) {
      snippets = static_cast<double>(existing->count());
      bytes = static_cast<double>(std::filesystem::file_size(path));
      if (existing->has_scenes()) w.scenes = static_cast<int64_t>(existing->scene_starts().size()) + 1;
      reused = 1;
      ++reused_;
      forget_skipped(skipped);
    } else {
      try {
        w = write_shard(ctx, t, path);
        snippets = static_cast<double>(w.snippets);
        bytes = static_cast<double>(w.bytes);
        prepared = 1;
        ++prepared_;
        forget_skipped(skipped);
      } catch (const ShardWriteError&) {
        throw;  // a full disk is not the title's fault: fail, naming the file, and keep nothing half-written
      } catch (const std::exception& e) {
        AVFLOW_LOG(warn) << "title '" << t.id << "' skipped: " << e.what();
        failed = 1;
        ++failed_;
        // Recorded beside the shards, so that samplers leave the title out
        // knowingly (their on_error) instead of refusing to start.
        std::filesystem::create_directories(skipped.parent_path());
        write_text_atomically(skipped, one_line(e.what()) + "\n");
      }
    }
    const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    row.values = {{"snippets", snippets},
                  {"scenes", static_cast<double>(w.scenes)},
                  {"shots", static_cast<double>(w.shots)},
                  {"prepared", prepared},
                  {"reused", reused},
                  {"failed", failed},
                  {"seconds", seconds},
                  {"megabytes", bytes / 1e6}};
    ctx.emit(kReport, std::move(row));
  }

  void finish(Context& ctx) override {
    AVFLOW_LOG(info) << ctx.node() << ": " << prepared_ << " title(s) prepared, " << reused_ << " already done, "
                     << failed_ << " skipped";
  }

 private:
  struct Written {
    int64_t snippets = 0, scenes = 0, shots = 0;
    uint64_t bytes = 0;
  };

  static void forget_skipped(const std::filesystem::path& skipped) {
    std::error_code ec;
    std::filesystem::remove(skipped, ec);  // absent unless an earlier run skipped the title
  }

  static std::string one_line(std::string text) {
    for (char& c : text)
      if (c == '\n' || c == '\r') c = ' ';
    return text;
  }

  // A whole shard from an earlier run; a corrupt one is removed to be redone,
  // and so is one written without scene starts when they are wanted.
  static std::unique_ptr<ShardFile> open_existing(const Title& t, const std::filesystem::path& path, bool want_scenes) {
    std::error_code ec;
    std::filesystem::remove(path.string() + shard::kPartialSuffix, ec);  // half-written by a run that died
    if (!std::filesystem::exists(path)) return nullptr;
    try {
      auto shard = std::make_unique<ShardFile>(path);
      if (want_scenes && !shard->has_scenes()) {
        AVFLOW_LOG(info) << path.string() << " has no scene starts (written without scene detection): preparing it again";
        return nullptr;
      }
      if (shard->timeline().value_or(0) < MediaDecoder::kTimelineVersion) {
        AVFLOW_LOG(info) << "title '" << t.id << "': " << path.string()
                         << " was decoded before sound and picture were placed by presentation time (timeline "
                         << shard->timeline().value_or(0) << " < " << MediaDecoder::kTimelineVersion
                         << "): preparing it again";
        shard.reset();
        std::filesystem::remove(path, ec);
        return nullptr;
      }
      const auto now = source_stamp(t.uri);
      if (shard->source() && now && *shard->source() != *now) {
        AVFLOW_LOG(info) << "title '" << t.id << "': its file changed since " << path.string() << " was written ("
                         << describe_change(*shard->source(), *now) << "): preparing it again";
        shard.reset();
        std::filesystem::remove(path, ec);
        return nullptr;
      }
      return shard;
    } catch (const std::exception& e) {
      AVFLOW_LOG(warn) << e.what() << " (writing it again)";
      std::filesystem::remove(path, ec);
      return nullptr;
    }
  }

  static Written write_shard(const Context& ctx, const Title& t, const std::filesystem::path& path) {
    DecodeSettings settings = kDecode.settings(ctx);
    const auto source = source_stamp(t.uri);  // before reading: a file replaced meanwhile is redone next time
    MediaDecoder decoder(t.uri, settings);
    if (!decoder.has_video()) throw std::runtime_error("has no video track");
    if (!decoder.has_audio()) throw std::runtime_error("has no audio track");
    shard::Header h;
    h.title = t.id;
    h.show = t.show;
    h.fps = settings.fps;
    h.frames = static_cast<uint32_t>(ctx.param(kDecode.frames));
    h.width = static_cast<uint32_t>(decoder.width());
    h.height = static_cast<uint32_t>(decoder.height());
    h.sample_rate = static_cast<uint32_t>(settings.sample_rate);
    h.channels = static_cast<uint32_t>(settings.channels);
    h.jpeg_quality = static_cast<uint32_t>(ctx.param(kQuality));
    ShardWriter writer(path, h);
    if (source) writer.set_source(*source);
    writer.set_timeline(MediaDecoder::kTimelineVersion);
    Snippetizer snippets(decoder, settings, ctx.param(kDecode.frames), t.id, t.show);
    std::optional<scene::SceneDetector> scenes;
    if (ctx.param(kScenes.enabled)) scenes.emplace(kScenes.rule(ctx, settings.fps));
    while (auto s = snippets.next()) {
      if (scenes) feed_frames(*scenes, s->video.get());
      writer.add(*s);
    }
    Written w;
    if (scenes) {
      const scene::SceneCuts cuts = scenes->finish();
      std::vector<int64_t> starts = scene::scene_snippet_starts(cuts.scene_starts, h.frames, writer.count());
      w.shots = static_cast<int64_t>(cuts.shot_starts.size());
      w.scenes = static_cast<int64_t>(starts.size()) + 1;
      writer.set_scene_starts(std::move(starts));
    }
    writer.finish();
    w.snippets = writer.count();
    w.bytes = writer.bytes();
    AVFLOW_LOG(info) << "title '" << t.id << "': " << w.snippets << " snippets"
                     << (scenes ? ", " + std::to_string(w.shots) + " shots in " + std::to_string(w.scenes) + " scenes" : "")
                     << " -> " << path.string();
    return w;
  }

  // Frames of a snippet, uint8 [T, H, W, 3], into the scene detector.
  static void feed_frames(scene::SceneDetector& scenes, const at::Tensor& video) {
    const at::Tensor frames = video.contiguous();
    const int64_t height = frames.size(1), width = frames.size(2);
    const uint8_t* data = frames.data_ptr<uint8_t>();
    for (int64_t i = 0; i < frames.size(0); ++i) scenes.add_frame(data + i * height * width * 3, height, width);
  }

  std::atomic<int64_t> prepared_{0}, reused_{0}, failed_{0};
};

AVFLOW_REGISTER(Prepare, "prepare", "decodes each title once into a snippet shard (JPEG frames, PCM audio, index)");

}  // namespace avflow::ops
