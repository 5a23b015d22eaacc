#include "tests/support/shard_fixtures.h"

#include <ATen/ATen.h>

#include "libs/media/shard/shard_path.h"
#include "libs/media/shard/shard_writer.h"
#include "libs/media/snippet.h"

namespace avflow::test {

void write_test_shard(const std::filesystem::path& dir, const TestShard& shard) {
  media::shard::Header h;
  h.title = shard.title;
  h.show = shard.show;
  h.frames = shard.frames;
  h.width = 16;
  h.height = 16;
  std::filesystem::create_directories(media::shard_path(dir, shard.title).parent_path());
  media::ShardWriter w(media::shard_path(dir, shard.title), h);
  for (int64_t m = 0; m < shard.snippets; ++m) {
    media::Snippet s;
    s.title = shard.title;
    s.show = shard.show;
    s.index = m;
    at::Tensor video = at::empty({shard.frames, 16, 16, 3}, at::kByte);
    for (int64_t t = 0; t < shard.frames; ++t) video[t].fill_(shard.pixel(m, t));
    at::Tensor audio = at::empty({kTestShardSamples}, at::kFloat);
    auto a = audio.accessor<float, 1>();
    for (int64_t i = 0; i < kTestShardSamples; ++i) a[i] = shard.sample(m, i);
    s.video = Tensor(video);
    s.audio = Tensor(audio);
    w.add(s);
  }
  if (!shard.scene_starts.empty()) w.set_scene_starts(shard.scene_starts);
  w.finish();
}

}  // namespace avflow::test
